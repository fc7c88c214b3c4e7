package network_test

import (
	"net/netip"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"myrunc/network"
)

// The engine's side of a `container run -p 8080:80 --network app
// --network-alias web`: prepare before create, put the result in the
// spec, release on rm. The hooks in the spec attach and detach.
func Example() {
	dataRoot, id := "/var/lib/myrunc", "4f1c0a..."
	res, err := network.Prepare(dataRoot, network.Request{
		ContainerID: id,
		Name:        "web-1",
		Bundle:      "/var/lib/myrunc/containers/4f1c0a.../bundle",
		Networks:    []network.NetworkRequest{{Name: "app", Aliases: []string{"web"}}},
		Ports:       []network.PortSpec{{HostPort: 8080, ContainerPort: 80, Proto: "tcp"}},
		DNS:         []netip.Addr{netip.MustParseAddr("9.9.9.9")},
	})
	if err != nil {
		return // e.g. "Bind for 0.0.0.0:8080 failed: port is already allocated"
	}
	var spec specs.Spec // the image's spec, from spec/opts.go
	res.Apply(&spec)
	// ... create and start the container; on `container rm`:
	_ = network.Release(dataRoot, id)
}

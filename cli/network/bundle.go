package network

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/urfave/cli/v2"

	"myrunc/internal/atomicfile"
	"myrunc/libcontainer"
	"myrunc/network"
)

// attach-bundle is the way to networks until the engine's `container
// run` lands: it prepares a container of a runc bundle (addresses,
// ports, files) and writes the hooks and mounts into its config.json.
// `myrunc run` — or runc, or crun — then attaches it on create and
// detaches it on stop; `network release ID` forgets it.
var attachBundleCommand = &cli.Command{
	Name:      "attach-bundle",
	Usage:     "give a bundle's container networks: hooks, /etc/hosts, /etc/hostname, /etc/resolv.conf in its config.json",
	ArgsUsage: "CONTAINER-ID",
	Flags: []cli.Flag{
		&cli.StringFlag{Name: "bundle", Aliases: []string{"b"}, Value: ".", Usage: "bundle directory"},
		&cli.StringFlag{Name: "name", Usage: "the name peers resolve (default: the container id)"},
		&cli.StringSliceFlag{Name: "network", Usage: "bridge (default), none, host, container:ID or a network name; repeat for more networks"},
		&cli.StringFlag{Name: "ip", Usage: "fixed IPv4 address on the first network"},
		&cli.StringSliceFlag{Name: "network-alias", Aliases: []string{"alias"}, Usage: "alias on the first network"},
		&cli.StringSliceFlag{Name: "publish", Aliases: []string{"p"}, Usage: "[IP:]HOST:CTR[/tcp|udp]"},
		&cli.BoolFlag{Name: "publish-all", Aliases: []string{"P"}, Usage: "publish the --expose ports on free host ports"},
		&cli.StringSliceFlag{Name: "expose", Usage: "PORT[/PROTO] the image would EXPOSE (for -P)"},
		&cli.StringFlag{Name: "hostname", Usage: "container host name (default: the id's first 12 characters)"},
		&cli.StringSliceFlag{Name: "add-host", Usage: "NAME:IP line for /etc/hosts"},
		&cli.StringSliceFlag{Name: "dns", Usage: "nameserver for /etc/resolv.conf"},
	},
	Action: attachBundle,
}

func attachBundle(c *cli.Context) error {
	if err := nargs(c, 1, 1); err != nil {
		return err
	}
	req, err := bundleRequest(c)
	if err != nil {
		return err
	}
	cfgPath := filepath.Join(req.Bundle, "config.json")
	data, err := os.ReadFile(cfgPath)
	if err != nil {
		return fmt.Errorf("bundle: %w", err)
	}
	var s specs.Spec
	if err := json.Unmarshal(data, &s); err != nil {
		return fmt.Errorf("bundle %s: %w", cfgPath, err)
	}
	res, err := network.Prepare(dataRoot(c), req)
	if err != nil {
		return err
	}
	res.Apply(&s)
	out, err := json.MarshalIndent(&s, "", "\t")
	if err == nil {
		err = atomicfile.Write(cfgPath, out, 0o644)
	}
	if err != nil {
		return errors.Join(err, network.Release(dataRoot(c), req.ContainerID))
	}
	for _, ep := range res.Endpoints {
		fmt.Printf("%s %s %v\n", ep.Network, ep.IfName, ep.IP)
	}
	for _, p := range res.Ports {
		fmt.Println(p)
	}
	return nil
}

func bundleRequest(c *cli.Context) (network.Request, error) {
	req := network.Request{ContainerID: c.Args().First(), Name: c.String("name"), Hostname: c.String("hostname"),
		PublishAll: c.Bool("publish-all")}
	var err error
	if req.Bundle, err = filepath.Abs(c.String("bundle")); err != nil {
		return req, err
	}
	for i, name := range c.StringSlice("network") {
		nr := network.NetworkRequest{Name: name}
		if i == 0 {
			if nr.IP, err = parseAddr("ip", c.String("ip")); err != nil {
				return req, err
			}
			nr.Aliases = c.StringSlice("network-alias")
		}
		req.Networks = append(req.Networks, nr)
		if ref, ok := strings.CutPrefix(name, "container:"); ok {
			if req.JoinNetNS, req.JoinID, err = joinedNetNS(c, ref); err != nil {
				return req, err
			}
		}
	}
	if len(req.Networks) == 0 && (c.String("ip") != "" || len(c.StringSlice("network-alias")) > 0) {
		return req, errors.New("--ip and --network-alias need a user-defined --network")
	}
	for _, p := range c.StringSlice("publish") {
		ps, err := network.ParsePort(p)
		if err != nil {
			return req, err
		}
		req.Ports = append(req.Ports, ps)
	}
	for _, e := range c.StringSlice("expose") {
		ps, err := network.ParsePort(e)
		if err != nil || ps.HostPort != 0 || ps.HostIP.IsValid() {
			return req, fmt.Errorf("--expose %q: want PORT[/PROTO]", e)
		}
		req.Exposed = append(req.Exposed, ps)
	}
	for _, h := range c.StringSlice("add-host") {
		name, ip, ok := strings.Cut(h, ":")
		a, err := netip.ParseAddr(ip)
		if !ok || name == "" || err != nil {
			return req, fmt.Errorf("--add-host %q: want NAME:IP", h)
		}
		req.AddHosts = append(req.AddHosts, network.HostEntry{Name: name, IP: a})
	}
	for _, d := range c.StringSlice("dns") {
		a, err := netip.ParseAddr(d)
		if err != nil {
			return req, fmt.Errorf("--dns %q: not an IP address", d)
		}
		req.DNS = append(req.DNS, a)
	}
	return req, nil
}

// joinedNetNS is the network namespace of a running container of the
// runtime's --root, for --network container:ID.
func joinedNetNS(c *cli.Context, ref string) (string, string, error) {
	ct, err := libcontainer.Load(c.String("root"), ref)
	if err != nil {
		return "", "", fmt.Errorf("--network container:%s: %w", ref, err)
	}
	st := ct.OCIState()
	if st.Pid <= 0 || (st.Status != specs.StateRunning && st.Status != specs.StateCreated) {
		return "", "", fmt.Errorf("--network container:%s: the container is %s", ref, st.Status)
	}
	return "/proc/" + strconv.Itoa(st.Pid) + "/ns/net", st.ID, nil
}

var releaseCommand = &cli.Command{
	Name:      "release",
	Usage:     "forget a bundle's container: detach it if needed, free its addresses, ports and files",
	ArgsUsage: "CONTAINER-ID...",
	Action: func(c *cli.Context) error {
		if err := nargs(c, 1, -1); err != nil {
			return err
		}
		var errs []error
		for _, id := range c.Args().Slice() {
			errs = append(errs, network.Release(dataRoot(c), id))
		}
		return errors.Join(errs...)
	},
}

// The hook that bundles run: `myrunc --data-root DIR network hook
// attach|detach ID`, with the container's state on stdin.
var hookCommand = &cli.Command{
	Name:      "hook",
	Usage:     "OCI hook entry point: attach (createRuntime) or detach (poststop); the state comes on stdin",
	ArgsUsage: "attach|detach CONTAINER-ID",
	Hidden:    true,
	Action: func(c *cli.Context) error {
		if err := nargs(c, 2, 2); err != nil {
			return err
		}
		verb, id := c.Args().Get(0), c.Args().Get(1)
		switch verb {
		case "attach":
			pid, err := statePid(os.Stdin, id)
			if err != nil {
				return err
			}
			return network.Attach(dataRoot(c), id, pid)
		case "detach":
			io.Copy(io.Discard, os.Stdin)
			return network.Detach(dataRoot(c), id)
		}
		return fmt.Errorf("network hook: unknown step %q (attach or detach)", verb)
	},
}

func statePid(r io.Reader, id string) (int, error) {
	var st specs.State
	if err := json.NewDecoder(r).Decode(&st); err != nil {
		return 0, fmt.Errorf("network hook: container state on stdin: %w", err)
	}
	if st.ID != id {
		return 0, fmt.Errorf("network hook: state is of container %q, the hook is for %q", st.ID, id)
	}
	if st.Pid <= 0 {
		return 0, fmt.Errorf("network hook: container %s has no pid in its state", id)
	}
	return st.Pid, nil
}

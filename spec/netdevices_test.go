package spec

import (
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func netDevs(kv ...string) func(*specs.Spec) {
	return func(s *specs.Spec) {
		s.Linux.NetDevices = map[string]specs.LinuxNetDevice{}
		for i := 0; i+1 < len(kv); i += 2 {
			s.Linux.NetDevices[kv[i]] = specs.LinuxNetDevice{Name: kv[i+1]}
		}
	}
}

func TestValidateNetDevices(t *testing.T) {
	runCases(t, []vcase{
		{"moved as is", netDevs("eth1", ""), ""},
		{"renamed", netDevs("veth-h", "ctr0", "eth1", ""), ""},
		{"template", netDevs("a", "eth%d", "b", "eth%d"), ""},
		{"joined netns", all(setNS(specs.NetworkNamespace, "/run/netns/blue"), netDevs("lo", "")), ""},
		{"empty map", netDevs(), ""},
		{"no netns", all(dropNS(specs.NetworkNamespace), netDevs("eth1", "")),
			"linux.netDevices: requires a network namespace in linux.namespaces (a device cannot be moved into the runtime's own)"},
		{"host name too long", netDevs("abcdefghijklmnop", ""),
			`linux.netDevices["abcdefghijklmnop"]: "abcdefghijklmnop" is not a network interface name (1-15 bytes, no '/', ':', '%' or white space, not "." or "..")`},
		{"host name slash", netDevs("a/b", ""),
			`linux.netDevices["a/b"]: "a/b" is not a network interface name (1-15 bytes, no '/', ':', '%' or white space, not "." or "..")`},
		{"host name template", netDevs("eth%d", ""),
			`linux.netDevices["eth%d"]: "eth%d" is not a network interface name (1-15 bytes, no '/', ':', '%' or white space, not "." or "..")`},
		{"empty host name", netDevs("", "x"),
			`linux.netDevices[""]: "" is not a network interface name (1-15 bytes, no '/', ':', '%' or white space, not "." or "..")`},
		{"new name space", netDevs("eth1", "my dev"),
			`linux.netDevices["eth1"].name: "my dev" is not a network interface name (1-15 bytes, no '/', ':' or white space, not "." or ".."; '%' only in one "%d")`},
		{"new name dotdot", netDevs("eth1", ".."),
			`linux.netDevices["eth1"].name: ".." is not a network interface name (1-15 bytes, no '/', ':' or white space, not "." or ".."; '%' only in one "%d")`},
		{"bad template", netDevs("eth1", "e%d%d"),
			`linux.netDevices["eth1"].name: "e%d%d" is not a network interface name (1-15 bytes, no '/', ':' or white space, not "." or ".."; '%' only in one "%d")`},
		{"two to one name", netDevs("a", "ctr0", "b", "ctr0"),
			`linux.netDevices["b"]: would be named "ctr0" in the container, as would linux.netDevices["a"]`},
		{"rename onto other's name", netDevs("a", "", "b", "a"),
			`linux.netDevices["b"]: would be named "a" in the container, as would linux.netDevices["a"]`},
		{"loopback of new netns", netDevs("veth1", "lo"),
			`linux.netDevices["veth1"]: would be named "lo" in the container, which its new network namespace already has`},
	})
}

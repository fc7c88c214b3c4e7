package libcontainer

import (
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func devRule(typ string, major, minor int64, access string) specs.LinuxDeviceCgroup {
	r := specs.LinuxDeviceCgroup{Allow: true, Type: typ, Access: access}
	if major >= 0 {
		r.Major = &major
	}
	if minor >= 0 {
		r.Minor = &minor
	}
	return r
}

// defaultDeviceRules are allowed in every container, after the spec's own
// rules (which usually start by denying everything). They are exactly
// runc's built-in list (1.1, and 1.2.4 onwards): mknod of any node, the
// devices the runtime makes in /dev, the pty master and its slaves, and
// tun. /dev/console needs no rule of its own: it is a bind of a pty slave
// (136:*), so the host's console (c 5:1) stays denied, as in runc.
var defaultDeviceRules = []specs.LinuxDeviceCgroup{
	devRule("c", -1, -1, "m"),
	devRule("b", -1, -1, "m"),
	devRule("c", 1, 3, "rwm"),    // null
	devRule("c", 1, 8, "rwm"),    // random
	devRule("c", 1, 7, "rwm"),    // full
	devRule("c", 5, 0, "rwm"),    // tty
	devRule("c", 1, 5, "rwm"),    // zero
	devRule("c", 1, 9, "rwm"),    // urandom
	devRule("c", 136, -1, "rwm"), // pts/*, and /dev/console bound to one
	devRule("c", 5, 2, "rwm"),    // ptmx
	devRule("c", 10, 200, "rwm"), // net/tun
}

// cgroupResources is linux.resources with defaultDeviceRules added at the
// end. The nodes of linux.devices add nothing: making a node is not leave
// to use it (a /dev/kmsg listed there must stay denied when the rules deny
// everything). Engines send an allow rule for each device they pass.
func cgroupResources(s *specs.Spec) *specs.LinuxResources {
	var r specs.LinuxResources
	if s.Linux.Resources != nil {
		r = *s.Linux.Resources
	}
	r.Devices = append(append([]specs.LinuxDeviceCgroup(nil), r.Devices...), defaultDeviceRules...)
	return &r
}

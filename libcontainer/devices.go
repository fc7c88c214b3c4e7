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
// rules (which usually start by denying everything), as runc does: the
// devices the runtime itself creates, ptys and tun, and mknod of any node.
var defaultDeviceRules = []specs.LinuxDeviceCgroup{
	devRule("c", -1, -1, "m"),
	devRule("b", -1, -1, "m"),
	devRule("c", 1, 3, "rwm"),    // null
	devRule("c", 1, 8, "rwm"),    // random
	devRule("c", 1, 7, "rwm"),    // full
	devRule("c", 5, 0, "rwm"),    // tty
	devRule("c", 1, 5, "rwm"),    // zero
	devRule("c", 1, 9, "rwm"),    // urandom
	devRule("c", 5, 1, "rwm"),    // console
	devRule("c", 136, -1, "rwm"), // pts
	devRule("c", 5, 2, "rwm"),    // ptmx
	devRule("c", 10, 200, "rwm"), // net/tun
}

// cgroupResources is linux.resources with the device rules the container
// needs for its own device nodes added at the end.
func cgroupResources(s *specs.Spec) *specs.LinuxResources {
	var r specs.LinuxResources
	if s.Linux.Resources != nil {
		r = *s.Linux.Resources
	}
	r.Devices = append([]specs.LinuxDeviceCgroup(nil), r.Devices...)
	r.Devices = append(r.Devices, defaultDeviceRules...)
	for _, d := range s.Linux.Devices {
		typ := d.Type
		if typ == "u" {
			typ = "c"
		}
		if typ == "p" {
			continue // fifos need no rule
		}
		r.Devices = append(r.Devices, devRule(typ, d.Major, d.Minor, "rwm"))
	}
	return &r
}

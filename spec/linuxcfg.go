package spec

import (
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// The kernel's device numbers: a 12-bit major, a 20-bit minor.
const (
	maxMajor = 1<<12 - 1
	maxMinor = 1<<20 - 1
)

// validateLinux checks the linux section's fields that do not depend on
// namespaces (those are in namespaces.go).
func validateLinux(l *specs.Linux) error {
	if l == nil {
		return nil
	}
	if !propagationModes[l.RootfsPropagation] {
		return fieldErr("linux.rootfsPropagation", "unknown mode %q (want shared, slave, private, unbindable or their r- forms)", l.RootfsPropagation)
	}
	if p := l.Personality; p != nil && p.Domain != specs.PerLinux && p.Domain != specs.PerLinux32 {
		return fieldErr("linux.personality.domain", "unknown domain %q (want LINUX or LINUX32)", p.Domain)
	}
	return first(
		func() error { return checkCgroupsPath(l.CgroupsPath) },
		func() error { return checkDevices(l.Devices) },
		func() error { return checkAbsPaths("linux.maskedPaths", l.MaskedPaths) },
		func() error { return checkAbsPaths("linux.readonlyPaths", l.ReadonlyPaths) },
		func() error { return ValidateResources(l.Resources) },
		func() error { return checkSeccomp(l.Seccomp) },
		func() error { return checkMountLabel(l) },
	)
}

// checkDevices checks the device nodes to mknod. Decoding cannot tell a
// missing major/minor from 0, and 0:0 is no real device, so 0:0 counts as
// missing for c, b and u; fifos (p) have no numbers.
func checkDevices(devs []specs.LinuxDevice) error {
	for i, d := range devs {
		p := at("linux.devices", i)
		if err := checkAbsPath(p+".path", d.Path); err != nil {
			return err
		}
		switch d.Type {
		case "p":
		case "c", "b", "u":
			if d.Major < 0 || d.Minor < 0 {
				return fieldErr(p, "major and minor must not be negative")
			}
			if d.Major == 0 && d.Minor == 0 {
				return fieldErr(p, "major and minor are required for type %q", d.Type)
			}
			if d.Major > maxMajor || d.Minor > maxMinor {
				return fieldErr(p, "%d:%d is past the kernel's largest device number %d:%d", d.Major, d.Minor, maxMajor, maxMinor)
			}
		default:
			return fieldErr(p+".type", "unknown device type %q (want c, b, u or p)", d.Type)
		}
		if d.FileMode != nil && *d.FileMode&^0o7777 != 0 {
			return fieldErr(p+".fileMode", "%#o has bits beyond permissions (07777); the type is in .type", uint32(*d.FileMode))
		}
	}
	return nil
}

// checkAbsPaths requires container paths to be absolute: a relative one has
// no defined base inside the container.
func checkAbsPaths(base string, paths []string) error {
	for i, p := range paths {
		if err := checkAbsPath(at(base, i), p); err != nil {
			return err
		}
	}
	return nil
}

// checkSeccomp checks action names, which libseccomp would otherwise only
// reject inside the container's init, and that notifications have an
// agent to go to. A listenerPath without SCMP_ACT_NOTIFY is ignored, as
// the runtime-spec says (and runc does).
func checkSeccomp(s *specs.LinuxSeccomp) error {
	if s == nil {
		return nil
	}
	if !seccompActions[string(s.DefaultAction)] {
		return fieldErr("linux.seccomp.defaultAction", "unknown action %q", s.DefaultAction)
	}
	for i, a := range s.Architectures {
		if !seccompArchs[string(a)] {
			return fieldErr(at("linux.seccomp.architectures", i), "unknown architecture %q", a)
		}
	}
	for i, fl := range s.Flags {
		if !seccompFlags[string(fl)] {
			return fieldErr(at("linux.seccomp.flags", i), "unknown flag %q", fl)
		}
	}
	notify := s.DefaultAction == specs.ActNotify
	for i, sc := range s.Syscalls {
		if err := checkSyscallRule(at("linux.seccomp.syscalls", i), sc); err != nil {
			return err
		}
		notify = notify || sc.Action == specs.ActNotify
	}
	if notify && s.ListenerPath == "" {
		return fieldErr("linux.seccomp.listenerPath", "must be set when SCMP_ACT_NOTIFY is used")
	}
	if notify {
		return checkAbsPath("linux.seccomp.listenerPath", s.ListenerPath)
	}
	return nil
}

// seccompArgs is how many arguments a syscall has (seccomp_data.args).
const seccompArgs = 6

func checkSyscallRule(p string, sc specs.LinuxSyscall) error {
	if len(sc.Names) == 0 {
		return fieldErr(p+".names", "must not be empty")
	}
	for j, name := range sc.Names {
		if name == "" {
			return fieldErr(at(p+".names", j), "must not be empty")
		}
	}
	if !seccompActions[string(sc.Action)] {
		return fieldErr(p+".action", "unknown action %q", sc.Action)
	}
	for j, a := range sc.Args {
		q := at(p+".args", j)
		if a.Index >= seccompArgs {
			return fieldErr(q+".index", "%d is past the last argument (%d)", a.Index, seccompArgs-1)
		}
		if !seccompOps[string(a.Op)] {
			return fieldErr(q+".op", "unknown operator %q", a.Op)
		}
	}
	return nil
}

package spec

import (
	"path/filepath"
	"strconv"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
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
		func() error { return checkDevices(l.Devices) },
		func() error { return checkAbsPaths("linux.maskedPaths", l.MaskedPaths) },
		func() error { return checkAbsPaths("linux.readonlyPaths", l.ReadonlyPaths) },
		func() error { return checkResources(l.Resources) },
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
		if !filepath.IsAbs(d.Path) {
			return fieldErr(p+".path", "must be an absolute path")
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
		default:
			return fieldErr(p+".type", "unknown device type %q (want c, b, u or p)", d.Type)
		}
	}
	return nil
}

// checkAbsPaths requires container paths to be absolute: a relative one has
// no defined base inside the container.
func checkAbsPaths(base string, paths []string) error {
	for i, p := range paths {
		if !filepath.IsAbs(p) {
			return fieldErr(at(base, i), "must be an absolute path")
		}
	}
	return nil
}

// pageSizeRE is the runtime-spec hugepage format, "<size><unit>B" (2MB, 1GB).

// checkResources checks the cgroup settings whose syntax is fixed by the
// kernel; limits themselves are for the cgroup manager to apply.
func checkResources(r *specs.LinuxResources) error {
	if r == nil {
		return nil
	}
	for i, d := range r.Devices {
		p := at("linux.resources.devices", i)
		switch d.Type {
		case "", "a", "b", "c":
		default:
			return fieldErr(p+".type", "unknown type %q (want a, b or c)", d.Type)
		}
		if strings.Trim(d.Access, "rwm") != "" {
			return fieldErr(p+".access", "%q is not a combination of r, w and m", d.Access)
		}
	}
	for i, h := range r.HugepageLimits {
		m := pageSizeRE.FindStringSubmatch(h.Pagesize)
		n, err := uint64(0), error(nil)
		if m != nil {
			n, err = strconv.ParseUint(m[1], 10, 64)
		}
		// Huge pages are always a power of two; "3MB" cannot name a
		// hugetlb.<size> cgroup file.
		if m == nil || err != nil || n&(n-1) != 0 {
			return fieldErr(at("linux.resources.hugepageLimits", i)+".pageSize", "invalid page size %q (want a power of two with a unit, e.g. 2MB)", h.Pagesize)
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
	notify := s.DefaultAction == specs.ActNotify
	for i, sc := range s.Syscalls {
		p := at("linux.seccomp.syscalls", i)
		if len(sc.Names) == 0 {
			return fieldErr(p+".names", "must not be empty")
		}
		if !seccompActions[string(sc.Action)] {
			return fieldErr(p+".action", "unknown action %q", sc.Action)
		}
		notify = notify || sc.Action == specs.ActNotify
	}
	if notify && s.ListenerPath == "" {
		return fieldErr("linux.seccomp.listenerPath", "must be set when SCMP_ACT_NOTIFY is used")
	}
	return nil
}

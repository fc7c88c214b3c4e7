package spec

import (
	"path/filepath"
	"slices"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// nsSet is the container's namespaces by type; a present entry means "new"
// (Path == "") or "joined" (Path != "").
type nsSet map[specs.LinuxNamespaceType]specs.LinuxNamespace

func (n nsSet) has(t specs.LinuxNamespaceType) bool { _, ok := n[t]; return ok }

// validateNamespaces checks linux.namespaces and every setting that only
// means something inside a namespace of the container's own: without one it
// would change the host (hostname, sysctls) or cannot be applied (mappings,
// time offsets).
func validateNamespaces(s *specs.Spec) error {
	l := s.Linux
	if l == nil {
		l = &specs.Linux{}
	}
	ns, err := namespaceSet(l.Namespaces)
	if err != nil {
		return err
	}
	if s.Hostname != "" && !ns.has(specs.UTSNamespace) {
		return fieldErr("hostname", "requires a uts namespace")
	}
	if s.Domainname != "" && !ns.has(specs.UTSNamespace) {
		return fieldErr("domainname", "requires a uts namespace")
	}
	return first(
		func() error { return checkUserMappings(l, ns) },
		func() error { return checkIDMapUserNS(s.Mounts, ns) },
		func() error { return checkTimeOffsets(l.TimeOffsets, ns) },
		func() error { return checkSysctl(l.Sysctl, ns) },
	)
}

// namespaceSet checks the namespace list (known types, no duplicates,
// absolute paths of the right type) and indexes it by type.
func namespaceSet(list []specs.LinuxNamespace) (nsSet, error) {
	ns := nsSet{}
	index := map[specs.LinuxNamespaceType]int{}
	for i, n := range list {
		p := at("linux.namespaces", i)
		if !namespaceTypes[string(n.Type)] {
			return nil, fieldErr(p+".type", "unknown namespace type %q (want pid, network, mount, ipc, uts, user, cgroup or time)", n.Type)
		}
		if j, dup := index[n.Type]; dup {
			return nil, fieldErr(p+".type", "duplicate %q (also in %s)", n.Type, at("linux.namespaces", j))
		}
		if n.Path != "" && !filepath.IsAbs(n.Path) {
			return nil, fieldErr(p+".path", "must be an absolute path")
		}
		if t, ok := procNSType(n.Path); ok && t != n.Type {
			return nil, fieldErr(p+".path", "%s is of type %s, not %s", n.Path, t, n.Type)
		}
		index[n.Type] = i
		ns[n.Type] = n
	}
	return ns, nil
}

// procNSType tells the type of /proc/<pid>[/task/<tid>]/ns/<name> from its
// name, so the common mistake of joining the wrong file fails before any
// process exists. Other paths (bind mounts under /run/netns) are the
// runtime's to check with setns.
func procNSType(p string) (specs.LinuxNamespaceType, bool) {
	p = filepath.Clean(p)
	if !strings.HasPrefix(p, "/proc/") || filepath.Base(filepath.Dir(p)) != "ns" {
		return "", false
	}
	t, ok := procNSNames[filepath.Base(p)]
	return t, ok
}

// checkUserMappings follows runc: mappings need a user namespace, and a new
// user namespace (not joined by path) needs both maps, or the container's
// root would be unmapped and setuid/setgid would fail inside.
func checkUserMappings(l *specs.Linux, ns nsSet) error {
	user, hasUser := ns[specs.UserNamespace]
	switch {
	case !hasUser && len(l.UIDMappings) > 0:
		return fieldErr("linux.uidMappings", "requires a user namespace")
	case !hasUser && len(l.GIDMappings) > 0:
		return fieldErr("linux.gidMappings", "requires a user namespace")
	case hasUser && user.Path == "" && len(l.UIDMappings) == 0:
		return fieldErr("linux.uidMappings", "required for a new user namespace")
	case hasUser && user.Path == "" && len(l.GIDMappings) == 0:
		return fieldErr("linux.gidMappings", "required for a new user namespace")
	}
	if err := checkMappings("linux.uidMappings", l.UIDMappings); err != nil {
		return err
	}
	return checkMappings("linux.gidMappings", l.GIDMappings)
}

// checkMappings rejects empty ranges, which the kernel refuses in uid_map.
func checkMappings(base string, maps []specs.LinuxIDMapping) error {
	for i, m := range maps {
		if m.Size == 0 {
			return fieldErr(at(base, i)+".size", "must be positive")
		}
	}
	return nil
}

// checkTimeOffsets requires a new time namespace: offsets can only be
// written before a process enters it, so a joined one cannot take them.
func checkTimeOffsets(offsets map[string]specs.LinuxTimeOffset, ns nsSet) error {
	if len(offsets) == 0 {
		return nil
	}
	t, ok := ns[specs.TimeNamespace]
	if !ok {
		return fieldErr("linux.timeOffsets", "requires a time namespace")
	}
	if t.Path != "" {
		return fieldErr("linux.timeOffsets", "cannot be set when joining an existing time namespace")
	}
	for _, clock := range sortedKeys(offsets) {
		if !timeOffsetClocks[clock] {
			return fieldErr(keyed("linux.timeOffsets", clock), "unknown clock %q (want monotonic or boottime)", clock)
		}
	}
	return nil
}

// checkSysctl allows only sysctls that belong to a namespace the container
// has (new or joined), following runc's rule: IPC ones need an ipc
// namespace, net.* a network namespace, kernel.domainname a uts namespace.
// Anything else would change the host for everyone.
func checkSysctl(sysctl map[string]string, ns nsSet) error {
	for _, key := range sortedKeys(sysctl) {
		p := keyed("linux.sysctl", key)
		name := strings.ReplaceAll(key, "/", ".") // "net/ipv4/ip_forward" is the same knob
		switch {
		case ipcSysctls[name] || strings.HasPrefix(name, "fs.mqueue."):
			if !ns.has(specs.IPCNamespace) {
				return fieldErr(p, "requires an ipc namespace")
			}
		case strings.HasPrefix(name, "net."):
			if !ns.has(specs.NetworkNamespace) {
				return fieldErr(p, "requires a network namespace")
			}
		case name == "kernel.domainname":
			if !ns.has(specs.UTSNamespace) {
				return fieldErr(p, "requires a uts namespace")
			}
		case name == "kernel.hostname":
			return fieldErr(p, "conflicts with the hostname field; set hostname instead")
		default:
			return fieldErr(p, "is not namespaced, so it cannot be set for one container")
		}
	}
	return nil
}

// sortedKeys makes map checks deterministic, so the same file always names
// the same first problem.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

package spec

import (
	"path/filepath"
	"slices"
	"sort"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"myrunc/internal/linuxns"
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
	if u, ok := ns[specs.UserNamespace]; ok && u.Path == "" {
		for _, t := range []specs.LinuxNamespaceType{specs.MountNamespace, specs.TimeNamespace} {
			if j, ok := ns[t]; ok && j.Path != "" {
				return fieldErr("linux.namespaces", "a new user namespace cannot be combined with joining a %s namespace (the joined one belongs to another user namespace)", t)
			}
		}
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
		func() error { return checkNetDevices(l.NetDevices, ns) },
	)
}

// namespaceSet checks the namespace list (known types, no duplicates,
// absolute paths of the right type) and indexes it by type.
func namespaceSet(list []specs.LinuxNamespace) (nsSet, error) {
	ns := nsSet{}
	index := map[specs.LinuxNamespaceType]int{}
	for i, n := range list {
		p := at("linux.namespaces", i)
		if _, known := linuxns.Lookup(n.Type); !known {
			return nil, fieldErr(p+".type", "unknown namespace type %q (want pid, network, mount, ipc, uts, user, cgroup or time)", n.Type)
		}
		if j, dup := index[n.Type]; dup {
			return nil, fieldErr(p+".type", "duplicate %q (also in %s)", n.Type, at("linux.namespaces", j))
		}
		if n.Path != "" {
			if err := checkAbsPath(p+".path", n.Path); err != nil {
				return nil, err
			}
			if t, ok := procNSType(n.Path); ok && t != n.Type {
				return nil, fieldErr(p+".path", "%s is of type %s, not %s", n.Path, t, n.Type)
			}
			if err := namespaceFile(p+".path", n.Path, n.Type); err != nil {
				return nil, err
			}
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
	t, ok := linuxns.TypeOfProcName(filepath.Base(p))
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

// maxMapLines is the kernel's limit on lines in uid_map and gid_map.
const maxMapLines = 340

// checkMappings rejects what the kernel would refuse when a map is
// written (uid_map, gid_map, or an idmapped mount's): empty or wrapping
// ranges, overlapping ranges on either side, more lines than it takes.
func checkMappings(base string, maps []specs.LinuxIDMapping) error {
	if len(maps) > maxMapLines {
		return fieldErr(base, "%d ranges, the kernel takes at most %d", len(maps), maxMapLines)
	}
	for i, m := range maps {
		if m.Size == 0 {
			return fieldErr(at(base, i)+".size", "must be positive")
		}
		if uint64(m.ContainerID)+uint64(m.Size) > 1<<32 || uint64(m.HostID)+uint64(m.Size) > 1<<32 {
			return fieldErr(at(base, i), "goes past the largest id 4294967295")
		}
	}
	if err := noOverlap(base, maps, func(m specs.LinuxIDMapping) uint32 { return m.ContainerID }, "containerID"); err != nil {
		return err
	}
	return noOverlap(base, maps, func(m specs.LinuxIDMapping) uint32 { return m.HostID }, "hostID")
}

func noOverlap(base string, maps []specs.LinuxIDMapping, start func(specs.LinuxIDMapping) uint32, side string) error {
	idx := make([]int, len(maps))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return start(maps[idx[a]]) < start(maps[idx[b]]) })
	for k := 1; k < len(idx); k++ {
		prev, cur := maps[idx[k-1]], maps[idx[k]]
		if uint64(start(prev))+uint64(prev.Size) > uint64(start(cur)) {
			return fieldErr(at(base, idx[k]), "overlaps %s in %s", at(base, idx[k-1]), side)
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
		if ns := offsets[clock].Nanosecs; ns >= 1e9 {
			return fieldErr(keyed("linux.timeOffsets", clock)+".nanosecs", "%d is a second or more (put whole seconds in secs)", ns)
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
		if !validSysctlKey(key) {
			return fieldErr(p, "is not a sysctl name (dotted, or slashed when a part holds a dot)")
		}
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

// validSysctlKey: "net.ipv4.ip_forward", or "net/ipv4/conf/eth0.100/rp_filter"
// (with slashes, dots belong to the parts); no empty part, no "." or "..".
func validSysctlKey(key string) bool {
	sep := "."
	if strings.Contains(key, "/") {
		sep = "/"
	}
	for _, part := range strings.Split(key, sep) {
		if part == "" || part == "." || part == ".." || strings.IndexByte(part, 0) >= 0 {
			return false
		}
	}
	return true
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

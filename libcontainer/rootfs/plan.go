// Package rootfs turns a spec's mounts, devices, masked and read-only paths
// into a list of operations (Plan, pure, table-tested) and carries them out
// inside the container's mount namespace (Apply, Pivot, Finish).
package rootfs

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// OpKind says what an Op does.
type OpKind int

const (
	OpMount     OpKind = iota + 1 // mount (or bind) Source on Target
	OpRemount                     // change the flags of the mount at Target
	OpDevice                      // create a device node (mknod, or a bind of the host's in a user ns)
	OpSymlink                     // Target -> LinkTo
	OpMask                        // hide Target (/dev/null over a file, read-only tmpfs over a dir)
	OpReadonly                    // bind Target on itself read-only
	OpPropagate                   // set the propagation of the mount at Target
)

// Op is one step of setting up the root filesystem. Targets are paths
// inside the container; Apply resolves them inside the rootfs.
type Op struct {
	Kind   OpKind
	Source string `json:",omitempty"` // host path (bind) or filesystem source
	Target string
	FSType string  `json:",omitempty"`
	Flags  uintptr `json:",omitempty"`
	Data   string  `json:",omitempty"`
	// Bind mounts: flags other than MS_BIND|MS_REC, or flags to clear
	// (ClearFlags: "rw" on a read-only source), need a remount.
	Remount     uintptr            `json:",omitempty"`
	ClearFlags  uintptr            `json:",omitempty"`
	Propagation []uintptr          `json:",omitempty"`
	AttrSet     uint64             `json:",omitempty"`
	AttrClr     uint64             `json:",omitempty"`
	TmpCopyUp   bool               `json:",omitempty"`
	Device      *specs.LinuxDevice `json:",omitempty"`
	LinkTo      string             `json:",omitempty"`
	// Cgroup: the op needs the container's cgroup to exist (a bind of
	// one of its directories); a hierarchy the cgroup lacks is skipped.
	Cgroup bool `json:",omitempty"`
	// IDMap, on a bind: the runtime's idmapped clone of Source is
	// attached instead of a bind.
	IDMap *IDMap `json:",omitempty"`
	// Field is the config.json field the op comes from ("mounts[3]"), so
	// that what only the kernel can refuse still names it.
	Field string `json:",omitempty"`
}

// Plan is what must happen before pivot_root (Mounts) and after (Final).
type Plan struct {
	Mounts []Op
	Final  []Op
}

// CgroupDir is one cgroup hierarchy the container can see under a "cgroup"
// mount: Name is the directory under the mount (e.g. "memory"), HostPath
// the container's own cgroup directory in that hierarchy.
type CgroupDir struct {
	Name     string
	HostPath string
	// Links are the other names a co-mounted hierarchy is known by
	// ("cpu" and "cpuacct" for "cpu,cpuacct").
	Links []string
}

// Input is everything Plan needs to know about the host.
type Input struct {
	Spec     *specs.Spec
	Bundle   string
	InUserNS bool
	Cgroups  []CgroupDir
	// HasKcore adds the /dev/core link, as runc does, when the host has /proc/kcore.
	HasKcore bool
	// Privileged: the runtime is host root, and can clone bind sources
	// for an init in a user namespace (IDMap.CloneOnly).
	Privileged bool
}

// defaultDevices are created in every container that gets its own /dev.
var defaultDevices = []specs.LinuxDevice{
	{Path: "/dev/null", Type: "c", Major: 1, Minor: 3},
	{Path: "/dev/zero", Type: "c", Major: 1, Minor: 5},
	{Path: "/dev/full", Type: "c", Major: 1, Minor: 7},
	{Path: "/dev/random", Type: "c", Major: 1, Minor: 8},
	{Path: "/dev/urandom", Type: "c", Major: 1, Minor: 9},
	{Path: "/dev/tty", Type: "c", Major: 5, Minor: 0},
}

// MakePlan computes the operations for in.Spec. It touches nothing.
func MakePlan(in Input) (*Plan, error) {
	s := in.Spec
	p := &Plan{}
	for i, m := range s.Mounts {
		ops, err := mountOps(in, m)
		if err != nil {
			return nil, fmt.Errorf("mounts[%d] (%s): %w", i, m.Destination, err)
		}
		p.Mounts = append(p.Mounts, withField(ops, fmt.Sprintf("mounts[%d]", i))...)
	}
	if ownDev(s.Mounts) {
		p.Mounts = append(p.Mounts, deviceOps(in)...)
		p.Mounts = append(p.Mounts, devLinkOps(in)...)
	} else if s.Linux != nil {
		// /dev comes from the host: only the devices asked for by name.
		for i := range s.Linux.Devices {
			p.Mounts = append(p.Mounts, Op{Kind: OpDevice, Target: s.Linux.Devices[i].Path, Device: &s.Linux.Devices[i],
				Field: fmt.Sprintf("linux.devices[%d]", i)})
		}
	}
	p.Final = append(readonlyDev(p.Mounts), finalOps(s)...)
	return p, nil
}

// readonlyDev makes a read-only /dev of the container's own writable
// until its devices, links and submounts are in, then read-only, first
// thing after pivot_root (as runc does).
func readonlyDev(mounts []Op) []Op {
	for i := range mounts {
		m := &mounts[i]
		if m.Kind == OpMount && m.Target == "/dev" && m.FSType != "bind" && m.Flags&unix.MS_RDONLY != 0 {
			m.Flags &^= unix.MS_RDONLY
			return []Op{{Kind: OpRemount, Target: "/dev", Flags: m.Flags | unix.MS_RDONLY}}
		}
	}
	return nil
}

func withField(ops []Op, field string) []Op {
	for i := range ops {
		ops[i].Field = field
	}
	return ops
}

func mountOps(in Input, m specs.Mount) ([]Op, error) {
	dest := path.Clean("/" + m.Destination)
	o := ParseOptions(m.Options)
	typ := m.Type
	if typ == "" && o.IsBind() {
		typ = "bind"
	}
	cgroup := typ == "cgroup" || typ == "cgroup2"
	bind := (o.IsBind() || typ == "bind") && !cgroup
	idmap, err := idmapFor(in, m, o, bind)
	if err != nil {
		return nil, err
	}
	if cgroup {
		return cgroupOps(in, dest, o), nil
	}
	op := Op{Kind: OpMount, Source: m.Source, Target: dest, FSType: typ, Data: o.DataString(),
		Propagation: o.Propagation, AttrSet: o.AttrSet, AttrClr: o.AttrClr, TmpCopyUp: o.TmpCopyUp}
	if bind {
		if idmap == nil && in.InUserNS && in.Privileged {
			// the container's root may not reach the source from its user
			// namespace: the runtime clones it as host root
			idmap = &IDMap{CloneOnly: true}
		}
		op.IDMap = idmap
		src := m.Source
		if !filepath.IsAbs(src) {
			src = filepath.Join(in.Bundle, src)
		}
		op.Source, op.FSType = src, "bind"
		op.Flags = unix.MS_BIND | (o.Flags & unix.MS_REC)
		op.Remount = o.Flags &^ (unix.MS_BIND | unix.MS_REC)
		op.ClearFlags = o.ClearFlags
		return []Op{op}, nil
	}
	op.Flags = o.Flags
	if op.Source == "" {
		op.Source = typ
	}
	return []Op{op}, nil
}

// cgroupOps gives the container a cgroupfs view of its own cgroups: on a
// cgroup v1 (or hybrid) host a tmpfs with one bind of the container's
// cgroup directory per hierarchy, as the container sees them in its
// cgroup namespace.
func cgroupOps(in Input, dest string, o MountOptions) []Op {
	flags := o.Flags &^ (unix.MS_BIND | unix.MS_REC)
	if len(in.Cgroups) == 1 && in.Cgroups[0].Name == "" {
		// pure cgroup v2: the container's cgroup is the whole tree it sees
		return []Op{{Kind: OpMount, Source: in.Cgroups[0].HostPath, Target: dest, FSType: "bind",
			Flags: unix.MS_BIND | unix.MS_REC, Remount: flags, Cgroup: true}}
	}
	ops := []Op{{Kind: OpMount, Source: "tmpfs", Target: dest, FSType: "tmpfs",
		Flags: flags &^ unix.MS_RDONLY, Data: "mode=755"}}
	for _, c := range in.Cgroups {
		t := path.Join(dest, c.Name)
		ops = append(ops, Op{Kind: OpMount, Source: c.HostPath, Target: t, FSType: "bind",
			Flags: unix.MS_BIND, Remount: flags, Cgroup: true})
		for _, l := range c.Links {
			ops = append(ops, Op{Kind: OpSymlink, Target: path.Join(dest, l), LinkTo: c.Name})
		}
	}
	if flags&unix.MS_RDONLY != 0 {
		ops = append(ops, Op{Kind: OpRemount, Target: dest, Flags: flags})
	}
	return ops
}

// ownDev says the container gets a fresh /dev (a tmpfs or other non-bind
// mount at /dev), so the runtime populates it.
func ownDev(mounts []specs.Mount) bool {
	for _, m := range mounts {
		if path.Clean(m.Destination) != "/dev" {
			continue
		}
		return m.Type != "bind" && !ParseOptions(m.Options).IsBind()
	}
	return false
}

func deviceOps(in Input) []Op {
	var devs []specs.LinuxDevice
	if in.Spec.Linux != nil {
		devs = in.Spec.Linux.Devices
	}
	var ops []Op
	for i := range defaultDevices {
		d := defaultDevices[i]
		if slices.ContainsFunc(devs, func(x specs.LinuxDevice) bool { return path.Clean(x.Path) == d.Path }) {
			continue
		}
		mode := os.FileMode(0o666)
		d.FileMode = &mode
		uid, gid := uint32(0), uint32(0)
		d.UID, d.GID = &uid, &gid
		ops = append(ops, Op{Kind: OpDevice, Target: d.Path, Device: &d})
	}
	for i := range devs {
		ops = append(ops, Op{Kind: OpDevice, Target: path.Clean(devs[i].Path), Device: &devs[i],
			Field: fmt.Sprintf("linux.devices[%d]", i)})
	}
	return ops
}

func devLinkOps(in Input) []Op {
	links := [][2]string{
		{"/dev/fd", "/proc/self/fd"},
		{"/dev/stdin", "/proc/self/fd/0"},
		{"/dev/stdout", "/proc/self/fd/1"},
		{"/dev/stderr", "/proc/self/fd/2"},
	}
	if in.HasKcore {
		links = append(links, [2]string{"/dev/core", "/proc/kcore"})
	}
	// /dev/ptmx must be the container's devpts instance, not the host's.
	if slices.ContainsFunc(in.Spec.Mounts, func(m specs.Mount) bool { return path.Clean(m.Destination) == "/dev/pts" }) {
		links = append(links, [2]string{"/dev/ptmx", "pts/ptmx"})
	}
	var ops []Op
	for _, l := range links {
		ops = append(ops, Op{Kind: OpSymlink, Target: l[0], LinkTo: l[1]})
	}
	return ops
}

// finalOps run after pivot_root, in the order runc uses: read-only root,
// masked and read-only paths, then the root's propagation.
func finalOps(s *specs.Spec) []Op {
	var ops []Op
	if s.Root != nil && s.Root.Readonly {
		ops = append(ops, Op{Kind: OpRemount, Target: "/", Flags: unix.MS_RDONLY, Field: "root.readonly"})
	}
	if s.Linux == nil {
		return ops
	}
	// a path given twice is masked (or made read-only) once, and named
	// in errors by its first place in the list
	for _, u := range uniqueClean(s.Linux.MaskedPaths) {
		ops = append(ops, Op{Kind: OpMask, Target: u.path, Field: fmt.Sprintf("linux.maskedPaths[%d]", u.index)})
	}
	for _, u := range uniqueClean(s.Linux.ReadonlyPaths) {
		ops = append(ops, Op{Kind: OpReadonly, Target: u.path, Field: fmt.Sprintf("linux.readonlyPaths[%d]", u.index)})
	}
	if f, ok := PropagationFlag(s.Linux.RootfsPropagation); ok && f != 0 {
		ops = append(ops, Op{Kind: OpPropagate, Target: "/", Flags: f, Field: "linux.rootfsPropagation"})
	}
	return ops
}

// indexedPath is a cleaned path and its index in the spec's list.
type indexedPath struct {
	path  string
	index int
}

// uniqueClean cleans the paths and drops repeats, in order.
func uniqueClean(paths []string) []indexedPath {
	out := make([]indexedPath, 0, len(paths))
	for i, p := range paths {
		p = path.Clean("/" + p)
		if !slices.ContainsFunc(out, func(u indexedPath) bool { return u.path == p }) {
			out = append(out, indexedPath{p, i})
		}
	}
	return out
}

// String is for errors and --debug.
func (o Op) String() string {
	switch o.Kind {
	case OpMount:
		return fmt.Sprintf("mount %s on %s (%s)", o.Source, o.Target, o.FSType)
	case OpRemount:
		return "remount " + o.Target
	case OpDevice:
		return "create device " + o.Target
	case OpSymlink:
		return fmt.Sprintf("symlink %s -> %s", o.Target, o.LinkTo)
	case OpMask:
		return "mask " + o.Target
	case OpReadonly:
		return "make " + o.Target + " read-only"
	case OpPropagate:
		return "set propagation of " + o.Target
	}
	return fmt.Sprintf("op %d on %s", o.Kind, o.Target)
}

package cgroups

import (
	"path/filepath"
	"slices"
	"strings"

	"github.com/containerd/cgroups/v3/cgroup1"
	"github.com/moby/sys/mountinfo"
	"github.com/moby/sys/userns"
)

// mountedV1 is the host's v1 subsystems as the mount table has them.
// cgroup1.Default takes every known controller name that exists as a
// directory under /sys/fs/cgroup; a plain directory there (some tools
// make net_cls or net_prio ones on the tmpfs) would then get container
// cgroups made in it, pids written to plain files, and every delete
// would fail on it.
func mountedV1() ([]cgroup1.Subsystem, error) {
	// one read of the mount table; cgroup1.Default reads it too, and
	// probes every controller's directory and the huge page sizes
	mounts, err := mountinfo.GetMounts(mountinfo.FSTypeFilter("cgroup"))
	if err != nil {
		return nil, err
	}
	if len(mounts) == 0 {
		return nil, cgroup1.ErrMountPointNotExist
	}
	// where cgroup1.Default looks: the parent of the first cgroup mount
	root := filepath.Dir(mounts[0].Mountpoint)
	return keepMounted(knownV1(root, mounts), mounts, filepath.EvalSymlinks), nil
}

// knownV1 is the controllers cgroup1.Default knows, under root. Hugetlb
// is built (reading the huge page sizes) only when a mount carries it;
// devices is left out in a user namespace, where it cannot be written.
func knownV1(root string, mounts []*mountinfo.Info) []cgroup1.Subsystem {
	subs := []cgroup1.Subsystem{
		cgroup1.NewNamed(root, "systemd"),
		cgroup1.NewFreezer(root),
		cgroup1.NewPids(root),
		cgroup1.NewNetCls(root),
		cgroup1.NewNetPrio(root),
		cgroup1.NewPerfEvent(root),
		cgroup1.NewCpuset(root),
		cgroup1.NewCpu(root),
		cgroup1.NewCpuacct(root),
		cgroup1.NewMemory(root),
		cgroup1.NewBlkio(root),
		cgroup1.NewRdma(root),
	}
	if !userns.RunningInUserNS() {
		subs = append(subs, cgroup1.NewDevices(root))
	}
	if slices.ContainsFunc(mounts, func(m *mountinfo.Info) bool { return carries(m.VFSOptions, "hugetlb") }) {
		if h, err := cgroup1.NewHugetlb(root); err == nil {
			subs = append(subs, h)
		}
	}
	return subs
}

// keepMounted keeps the subsystems whose directory (through the symlink
// of a co-mounted one, cpu -> cpu,cpuacct) is a cgroup mount carrying
// that controller. A directory that is itself such a mount needs no
// lookup.
func keepMounted(subs []cgroup1.Subsystem, mounts []*mountinfo.Info, resolve func(string) (string, error)) []cgroup1.Subsystem {
	var out []cgroup1.Subsystem
	for _, s := range subs {
		p, ok := s.(interface{ Path(string) string })
		if !ok {
			continue
		}
		mountedAt := func(dir string) bool {
			return slices.ContainsFunc(mounts, func(m *mountinfo.Info) bool {
				return m.Mountpoint == dir && carries(m.VFSOptions, string(s.Name()))
			})
		}
		dir := p.Path("/")
		if mountedAt(dir) {
			out = append(out, s)
			continue
		}
		if dir, err := resolve(dir); err == nil && mountedAt(dir) {
			out = append(out, s)
		}
	}
	return out
}

// carries says whether a cgroup mount's super options name controller
// (named hierarchies are "name=systemd").
func carries(opts, controller string) bool {
	for _, o := range strings.Split(opts, ",") {
		if o == controller || o == "name="+controller {
			return true
		}
	}
	return false
}

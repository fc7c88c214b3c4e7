package cgroups

import (
	"path/filepath"
	"slices"
	"strings"

	"github.com/containerd/cgroups/v3/cgroup1"
	"github.com/moby/sys/mountinfo"
)

// mountedV1 is the host's v1 subsystems as the mount table has them.
// cgroup1.Default takes every known controller name that exists as a
// directory under /sys/fs/cgroup; a plain directory there (some tools
// make net_cls or net_prio ones on the tmpfs) would then get container
// cgroups made in it, pids written to plain files, and every delete
// would fail on it.
func mountedV1() ([]cgroup1.Subsystem, error) {
	subs, err := cgroup1.Default()
	if err != nil {
		return nil, err
	}
	mounts, err := mountinfo.GetMounts(mountinfo.FSTypeFilter("cgroup"))
	if err != nil {
		return nil, err
	}
	return keepMounted(subs, mounts, filepath.EvalSymlinks), nil
}

// keepMounted keeps the subsystems whose directory (through the symlink
// of a co-mounted one, cpu -> cpu,cpuacct) is a cgroup mount carrying
// that controller.
func keepMounted(subs []cgroup1.Subsystem, mounts []*mountinfo.Info, resolve func(string) (string, error)) []cgroup1.Subsystem {
	var out []cgroup1.Subsystem
	for _, s := range subs {
		p, ok := s.(interface{ Path(string) string })
		if !ok {
			continue
		}
		dir, err := resolve(p.Path("/"))
		if err != nil {
			continue
		}
		if slices.ContainsFunc(mounts, func(m *mountinfo.Info) bool {
			return m.Mountpoint == dir && carries(m.VFSOptions, string(s.Name()))
		}) {
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

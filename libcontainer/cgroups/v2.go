package cgroups

import (
	"errors"
	"os"
	"path/filepath"

	"github.com/containerd/cgroups/v3/cgroup2"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

const v2Root = "/sys/fs/cgroup"

type v2 struct {
	path string
	m    *cgroup2.Manager // nil when the cgroup is gone
}

func newV2(p string, r *specs.LinuxResources) (Manager, error) {
	res := &cgroup2.Resources{}
	if r != nil {
		res = cgroup2.ToResources(r)
	}
	m, err := cgroup2.NewManager(v2Root, p, res)
	if err != nil {
		return nil, wrapErr("create cgroup "+p, err)
	}
	return &v2{path: p, m: m}, nil
}

func loadV2(p string) (Manager, error) {
	if _, err := os.Stat(filepath.Join(v2Root, p)); errors.Is(err, os.ErrNotExist) {
		return &v2{path: p}, nil
	}
	m, err := cgroup2.Load(p, cgroup2.WithMountpoint(v2Root))
	if err != nil {
		return nil, wrapErr("load cgroup "+p, err)
	}
	return &v2{path: p, m: m}, nil
}

func (c *v2) Path() string { return c.path }

func (c *v2) Apply(pid int) error {
	if c.m == nil {
		return os.ErrNotExist
	}
	return wrapErr("join cgroup "+c.path, c.m.AddProc(uint64(pid)))
}

func (c *v2) Set(r *specs.LinuxResources) error {
	if c.m == nil || r == nil {
		return nil
	}
	return wrapErr("set resources of cgroup "+c.path, c.m.Update(cgroup2.ToResources(r)))
}

func (c *v2) Freeze(frozen bool) error {
	if c.m == nil {
		return os.ErrNotExist
	}
	if frozen {
		return wrapErr("freeze", c.m.Freeze())
	}
	return wrapErr("thaw", c.m.Thaw())
}

func (c *v2) Pids() ([]int, error) {
	if c.m == nil {
		return nil, nil
	}
	procs, err := c.m.Procs(true)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, nil
		}
		return nil, wrapErr("list processes of cgroup "+c.path, err)
	}
	pids := make([]int, len(procs))
	for i, p := range procs {
		pids[i] = int(p)
	}
	return pids, nil
}

func (c *v2) Destroy() error {
	if c.m == nil {
		return nil
	}
	err := c.m.Delete()
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	return wrapErr("remove cgroup "+c.path, err)
}

func (c *v2) Dirs() []Dir {
	return []Dir{{HostPath: filepath.Join(v2Root, c.path)}}
}

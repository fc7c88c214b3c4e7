package cgroups

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

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
	if cpu := r.CPU; cpu != nil && (cpu.RealtimeRuntime != nil || cpu.RealtimePeriod != nil) {
		return fmt.Errorf("cpu.realtimeRuntime and cpu.realtimePeriod: cgroup v2 has no realtime group scheduling")
	}
	res := cgroup2.ToResources(r)
	// Files the library writes wrong are written here, after it: -1 is
	// "max" (the library writes -1, and takes the limit off it for
	// swap), and a block I/O weight (the library's conversion overflows).
	var extra [][2]string
	dir := filepath.Join(v2Root, c.path)
	if mem := r.Memory; mem != nil {
		if mem.Limit != nil && *mem.Limit < 0 {
			res.Memory.Max, extra = nil, append(extra, [2]string{"memory.max", "max"})
		}
		if mem.Swap != nil && *mem.Swap < 0 {
			res.Memory.Swap, extra = nil, append(extra, [2]string{"memory.swap.max", "max"})
		}
	}
	if cpu := r.CPU; cpu != nil && cpu.Quota != nil && *cpu.Quota < 0 {
		res.CPU.Max = cgroup2.NewCPUMax(nil, cpu.Period)
	}
	if b := r.BlockIO; b != nil && b.Weight != nil {
		res.IO.BFQ.Weight = 0
		extra = append(extra, ioWeight(dir, *b.Weight))
	}
	err := c.m.Update(res)
	for _, f := range extra {
		if err == nil {
			err = os.WriteFile(filepath.Join(dir, f[0]), []byte(f[1]), 0)
		}
	}
	return wrapErr("set resources of cgroup "+c.path, err)
}

// ioWeight is the file and value for a spec weight (10-1000): BFQ's
// io.bfq.weight takes it as it is, io.weight on its own 1-10000 scale.
// Without either, the write of io.bfq.weight fails and says so.
func ioWeight(dir string, w uint16) [2]string {
	if !hasFile(dir, "io.bfq.weight") && hasFile(dir, "io.weight") {
		return [2]string{"io.weight", "default " + strconv.Itoa(1+(int(w)-10)*9999/990)}
	}
	return [2]string{"io.bfq.weight", strconv.Itoa(int(w))}
}

func hasFile(dir, file string) bool {
	_, err := os.Stat(filepath.Join(dir, file))
	return err == nil
}

func (c *v2) Stats() (*Stats, error) {
	if c.m == nil {
		return nil, os.ErrNotExist
	}
	s, err := statV2(c.m)
	return s, wrapErr("read stats of cgroup "+c.path, err)
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

package cgroups

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/containerd/cgroups/v3/cgroup2"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

const v2Root = "/sys/fs/cgroup"

type v2 struct {
	path string
	m    *cgroup2.Manager // nil when the cgroup is gone
}

func newV2(p string, r *specs.LinuxResources) (Manager, error) {
	if r == nil {
		r = &specs.LinuxResources{}
	}
	res, err := toV2(r)
	if err != nil {
		return nil, err
	}
	if mem := r.Memory; mem != nil && mem.Kernel != nil && *mem.Kernel != 0 { //nolint:staticcheck // warned about, not used
		slog.Warn("linux.resources.memory.kernel ignored: cgroup v2 has no kernel memory limit (it counts in memory.max)")
	}
	// Devices only here: each Set would attach one more eBPF program,
	// and the kernel allows an access only if every program does.
	res.Devices = deviceRules(r.Devices, privilegedDevices())
	enableAlong(v2Root, p)
	m, err := cgroup2.NewManager(v2Root, p, res)
	if err != nil {
		return nil, wrapErr("create cgroup "+p, err)
	}
	c := &v2{path: p, m: m}
	if err := c.writeFixed(r); err != nil {
		m.Delete()
		return nil, wrapErr("create cgroup "+p, err)
	}
	return c, nil
}

// bpfRules spells out what the library's eBPF device filter needs set
// and the spec lets engines leave out: no type is "a", no major or minor
// is any (-1), no access is "rwm".
func bpfRules(rules []specs.LinuxDeviceCgroup) []specs.LinuxDeviceCgroup {
	out := make([]specs.LinuxDeviceCgroup, len(rules))
	for i, d := range rules {
		if d.Type == "" {
			d.Type = "a"
		}
		if d.Major == nil {
			d.Major = ptr(int64(-1))
		}
		if d.Minor == nil {
			d.Minor = ptr(int64(-1))
		}
		if d.Access == "" {
			d.Access = "rwm"
		}
		out[i] = d
	}
	return out
}

func ptr[T any](v T) *T { return &v }

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
	res, err := toV2(r)
	if err != nil {
		return err
	}
	if err := checkBeforeUpdate(r.Memory, c.memoryUsage); err != nil {
		return err
	}
	err = lowerBurstFirst(r.CPU, filepath.Join(v2Root, c.path, "cpu.max.burst"))
	if err == nil {
		err = c.m.Update(res)
	}
	if err == nil {
		err = c.writeFixed(r)
	}
	return wrapErr("set resources of cgroup "+c.path, err)
}

func (c *v2) memoryUsage() (int64, error) {
	return readInt(filepath.Join(v2Root, c.path, "memory.current"))
}

// toV2 is r for the library, less what writeFixed writes instead.
func toV2(r *specs.LinuxResources) (*cgroup2.Resources, error) {
	if cpu := r.CPU; cpu != nil && (cpu.RealtimeRuntime != nil || cpu.RealtimePeriod != nil) {
		return nil, fmt.Errorf("cpu.realtimeRuntime and cpu.realtimePeriod: cgroup v2 has no realtime group scheduling")
	}
	if err := v2Lacks(r); err != nil {
		return nil, err
	}
	if err := checkBlockDevices(r.BlockIO); err != nil {
		return nil, err
	}
	for k := range r.Unified {
		if k == "" || strings.ContainsRune(k, '/') || strings.HasPrefix(k, ".") {
			return nil, fmt.Errorf("linux.resources.unified: %q is not a cgroup file name", k)
		}
	}
	res := cgroup2.ToResources(r)
	if mem := r.Memory; mem != nil {
		if mem.Limit != nil && *mem.Limit < 0 {
			res.Memory.Max = nil
		}
		if mem.Swap != nil && *mem.Swap < 0 {
			res.Memory.Swap = nil
		}
	}
	if cpu := r.CPU; cpu != nil && cpu.Quota != nil && *cpu.Quota < 0 {
		res.CPU.Max = cgroup2.NewCPUMax(nil, cpu.Period)
	}
	if b := r.BlockIO; b != nil && b.Weight != nil {
		res.IO.BFQ.Weight = 0
	}
	return res, nil
}

// writeFixed writes, after the library, the files it writes wrong: -1 is
// "max" (the library writes -1, and takes the limit off it for swap), and
// a block I/O weight (the library's conversion overflows); those it does
// not write: cpu burst and idle; then
// linux.resources.unified, which the library does not know, last, so it
// wins over the typed fields as the spec says.
func (c *v2) writeFixed(r *specs.LinuxResources) error {
	var files [][2]string
	dir := filepath.Join(v2Root, c.path)
	if mem := r.Memory; mem != nil {
		if mem.Limit != nil && *mem.Limit < 0 {
			files = append(files, [2]string{"memory.max", "max"})
		}
		if mem.Swap != nil && *mem.Swap < 0 {
			files = append(files, [2]string{"memory.swap.max", "max"})
		}
	}
	// the library takes a pids limit of 0 for "not set"; runtime-spec 1.3
	// makes it a limit of 0
	if p := r.Pids; p != nil && p.Limit != nil && *p.Limit == 0 {
		files = append(files, [2]string{"pids.max", pidsMax(0)})
	}
	if b := r.BlockIO; b != nil {
		if b.Weight != nil {
			files = append(files, ioWeight(dir, *b.Weight))
		}
		// the library drops per-device weights
		for _, d := range b.WeightDevice {
			if d.Weight != nil {
				f := ioWeight(dir, *d.Weight)
				f[1] = fmt.Sprintf("%d:%d %s", d.Major, d.Minor, strings.TrimPrefix(f[1], "default "))
				files = append(files, f)
			}
		}
	}
	if cpu := r.CPU; cpu != nil {
		// the library knows neither
		if cpu.Burst != nil {
			files = append(files, [2]string{"cpu.max.burst", strconv.FormatUint(*cpu.Burst, 10)})
		}
		if cpu.Idle != nil {
			files = append(files, [2]string{"cpu.idle", strconv.FormatInt(*cpu.Idle, 10)})
		}
	}
	keys := make([]string, 0, len(r.Unified))
	for k := range r.Unified {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if err := c.enableFor(keys); err != nil {
		return err
	}
	for _, k := range keys {
		files = append(files, [2]string{k, r.Unified[k]})
	}
	for _, f := range files {
		p := filepath.Join(dir, f[0])
		if err := os.WriteFile(p, []byte(f[1]), 0); err != nil {
			if _, statErr := os.Stat(p); errors.Is(statErr, os.ErrNotExist) {
				return fmt.Errorf("this host does not support %s: the cgroup has no such file", f[0])
			}
			if errors.Is(err, unix.EOPNOTSUPP) && strings.Contains(f[0], "weight") {
				return fmt.Errorf("linux.resources.blockIO weight %q in %s: the device uses neither the BFQ scheduler nor io.cost (io.cost.qos of the root cgroup): %w", f[1], f[0], err)
			}
			return fmt.Errorf("write %q to %s: %w", f[1], f[0], err)
		}
	}
	return nil
}

// enableFor enables in the parents the controllers of unified keys
// ("memory.high": memory) that the cgroup does not have yet, as the
// library does for the typed fields.
func (c *v2) enableFor(keys []string) error {
	have, _ := c.m.Controllers()
	root, _ := c.m.RootControllers()
	var want []string
	for _, k := range keys {
		ctrl, _, _ := strings.Cut(k, ".")
		if slices.Contains(root, ctrl) && !slices.Contains(have, ctrl) && !slices.Contains(want, ctrl) {
			want = append(want, ctrl)
		}
	}
	if len(want) == 0 {
		return nil
	}
	return c.m.ToggleControllers(want, cgroup2.Enable)
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
	op := "thaw"
	if frozen {
		op = "freeze"
	}
	return wrapErr(op, freeze(v2Freezer(filepath.Join(v2Root, c.path)), frozen, freezeTimeout))
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

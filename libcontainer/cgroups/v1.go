package cgroups

import (
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/containerd/cgroups/v3/cgroup1"
	"github.com/containerd/cgroups/v3/cgroup2"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

const unifiedRoot = "/sys/fs/cgroup/unified"

// v1Hierarchy is the host's v1 subsystems, found once per process (from
// the mount table, mountedV1): create asks for them first for the init's
// mounts (DirsFor), then to make the cgroup.
var v1Hierarchy = sync.OnceValues(mountedV1)

var withV1Hierarchy = cgroup1.WithHierarchy(v1Hierarchy)

// v1 is a cgroup on a v1 host; on a hybrid host it also holds the
// container's cgroup in the cgroup2 hierarchy mounted at unified/.
type v1 struct {
	path    string
	cg      cgroup1.Cgroup // nil when the cgroup is gone
	unified *cgroup2.Manager
}

func newV1(p string, r *specs.LinuxResources, hybrid bool) (Manager, error) {
	if r == nil {
		r = &specs.LinuxResources{}
	}
	r, err := v1Resources(r)
	if err != nil {
		return nil, err
	}
	if mem := r.Memory; mem != nil && mem.Kernel != nil && *mem.Kernel != 0 { //nolint:staticcheck // warned about, not used
		slog.Warn("linux.resources.memory.kernel ignored: kernel memory limits are not supported (obsolete since Linux 5.4)")
	}
	c, err := cgroup1.New(cgroup1.StaticPath(p), libraryV1(r), withV1Hierarchy)
	if err != nil {
		// the library leaves the hierarchies it got to before failing
		removeV1Dirs(p)
		return nil, wrapErr("create cgroup "+p, err)
	}
	m := &v1{path: p, cg: c}
	if hybrid {
		u, err := cgroup2.NewManager(unifiedRoot, p, &cgroup2.Resources{})
		if err != nil {
			c.Delete()
			return nil, wrapErr("create cgroup "+p+" in "+unifiedRoot, err)
		}
		m.unified = u
	}
	if err := m.setDevices(r.Devices); err != nil {
		m.Destroy()
		return nil, wrapErr("set device rules of cgroup "+p, err)
	}
	if err := m.writeFixed(r); err != nil {
		m.Destroy()
		return nil, err
	}
	return m, nil
}

func loadV1(p string, hybrid bool) (Manager, error) {
	m := &v1{path: p}
	c, err := cgroup1.Load(cgroup1.StaticPath(p), withV1Hierarchy)
	if err != nil && !errors.Is(err, cgroup1.ErrCgroupDeleted) {
		return nil, wrapErr("load cgroup "+p, err)
	}
	m.cg = c
	if hybrid {
		if _, err := os.Stat(filepath.Join(unifiedRoot, p)); err == nil {
			m.unified, _ = cgroup2.Load(p, cgroup2.WithMountpoint(unifiedRoot))
		}
	}
	return m, nil
}

func (m *v1) Path() string { return m.path }

func (m *v1) Apply(pid int) error {
	if m.cg == nil {
		return cgroup1.ErrCgroupDeleted
	}
	if err := m.cg.AddProc(uint64(pid)); err != nil {
		return wrapErr("join cgroup "+m.path, err)
	}
	if m.unified != nil {
		if err := m.unified.AddProc(uint64(pid)); err != nil {
			return wrapErr("join cgroup "+m.path+" in "+unifiedRoot, err)
		}
	}
	return nil
}

func (m *v1) Set(r *specs.LinuxResources) error {
	if m.cg == nil || r == nil {
		return nil
	}
	r, err := v1Resources(r)
	if err != nil {
		return err
	}
	if err := checkBeforeUpdate(r.Memory, m.memoryUsage); err != nil {
		return err
	}
	if err := lowerBurstFirst(r.CPU, m.file("cpu", "cpu.cfs_burst_us")); err != nil {
		return wrapErr("set cpu.burst of cgroup "+m.path, err)
	}
	fixed := r
	r = libraryV1(r)
	if r.CPU != nil {
		cpu, err := writeV1CPUPairs(r.CPU, m.dir("cpu"))
		if err != nil {
			return wrapErr("set cpu period of cgroup "+m.path, err)
		}
		r.CPU = cpu
	}
	// The kernel keeps memsw >= the limit, and the library writes the
	// limit first: a limit above the current memsw needs memsw first.
	if mem := r.Memory; mem != nil && mem.Limit != nil && mem.Swap != nil {
		cur, err := readInt(m.file("memory", "memory.memsw.limit_in_bytes"))
		if err == nil && (*mem.Limit < 0 || *mem.Limit > cur) {
			swap := &specs.LinuxResources{Memory: &specs.LinuxMemory{Swap: mem.Swap}}
			if err := m.cg.Update(swap); err != nil {
				return wrapErr("set resources of cgroup "+m.path, err)
			}
		}
	}
	if err := m.cg.Update(r); err != nil {
		return wrapErr("set resources of cgroup "+m.path, err)
	}
	if fixed.Devices != nil {
		if err := m.setDevices(fixed.Devices); err != nil {
			return wrapErr("set device rules of cgroup "+m.path, err)
		}
	}
	return m.writeFixed(fixed)
}

// writeFixed writes what the library does not (v1Fixed), and the
// unified map to the cgroup2 hierarchy of a hybrid host.
func (m *v1) writeFixed(r *specs.LinuxResources) error {
	files, err := v1Fixed(r, m.dir)
	if err != nil {
		return err
	}
	if err := writeV1Fixed(files, m.dir); err != nil {
		return err
	}
	if len(r.Unified) == 0 {
		return nil
	}
	dir := ""
	if m.unified != nil {
		dir = filepath.Join(unifiedRoot, m.path)
	}
	return writeUnified(r.Unified, dir)
}

// dir is the cgroup's directory in controller's hierarchy.
func (m *v1) dir(controller string) string { return m.file(controller, "") }

func (m *v1) memoryUsage() (int64, error) {
	return readInt(m.file("memory", "memory.usage_in_bytes"))
}

// file is the path of a file of the cgroup in controller's hierarchy.
func (m *v1) file(controller, name string) string {
	for _, d := range m.Dirs() {
		if d.Name == controller || slices.Contains(d.Links, controller) {
			return filepath.Join(d.HostPath, name)
		}
	}
	return filepath.Join("/sys/fs/cgroup", controller, m.path, name)
}

// pidsMax is the pids.max text of a spec limit: -1 (no limit) is "max".
func pidsMax(limit int64) string {
	if limit < 0 {
		return "max"
	}
	return strconv.FormatInt(limit, 10)
}

func readInt(path string) (int64, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	return strconv.ParseInt(strings.TrimSpace(string(data)), 10, 64)
}

func (m *v1) Stats() (*Stats, error) {
	if m.cg == nil {
		return nil, cgroup1.ErrCgroupDeleted
	}
	s, err := statV1(m.cg, m.unified)
	return s, wrapErr("read stats of cgroup "+m.path, err)
}

func (m *v1) Freeze(frozen bool) error {
	if m.cg == nil {
		return cgroup1.ErrCgroupDeleted
	}
	op := "thaw"
	if frozen {
		op = "freeze"
	}
	return wrapErr(op, freeze(v1Freezer(m.dir("freezer")), frozen, freezeTimeout))
}

func (m *v1) Pids() ([]int, error) {
	if m.cg == nil {
		return nil, nil
	}
	var pids []int
	for _, s := range m.cg.Subsystems() {
		procs, err := m.cg.Processes(s.Name(), true)
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				continue
			}
			return nil, wrapErr("list processes of cgroup "+m.path, err)
		}
		for _, p := range procs {
			if !slices.Contains(pids, p.Pid) {
				pids = append(pids, p.Pid)
			}
		}
		// one hierarchy lists them all; the freezer or pids one is enough
		if s.Name() == cgroup1.Freezer || s.Name() == cgroup1.Pids {
			break
		}
	}
	return pids, nil
}

func (m *v1) Destroy() error {
	if m.cg != nil && m.rmdirAll() {
		m.cg = nil
	}
	if m.cg != nil {
		if err := m.cg.Delete(); err != nil {
			return wrapErr("remove cgroup "+m.path, err)
		}
	}
	if m.unified != nil {
		if err := m.unified.Delete(); err != nil && !errors.Is(err, os.ErrNotExist) {
			return wrapErr("remove cgroup "+m.path+" in "+unifiedRoot, err)
		}
	}
	return nil
}

// removeV1Dirs removes p from every hierarchy it was made in (only the
// leaf: parents may be shared with other containers).
func removeV1Dirs(p string) {
	subs, err := v1Hierarchy()
	if err != nil {
		return
	}
	for _, d := range dirsOf(subs, p, false) {
		unix.Rmdir(d.HostPath)
	}
}

// rmdirAll is the fast path of Destroy: one rmdir per hierarchy. The
// kernel itself refuses to remove a cgroup that still has processes or
// children, so the library's walk over every file of every hierarchy to
// check first is only needed when this fails.
func (m *v1) rmdirAll() bool {
	ok := true
	for _, d := range m.Dirs() {
		if d.Name == "unified" {
			continue // Destroy removes it through its own manager
		}
		if err := unix.Rmdir(d.HostPath); err != nil && err != unix.ENOENT {
			ok = false
		}
	}
	return ok
}

func (m *v1) Dirs() []Dir {
	if m.cg == nil {
		return nil
	}
	return dirsOf(m.cg.Subsystems(), m.path, m.unified != nil)
}

// dirsOf lists each hierarchy once (co-mounted controllers share one).
func dirsOf(subsystems []cgroup1.Subsystem, path string, unified bool) []Dir {
	var dirs []Dir
	seen := map[string]bool{}
	for _, s := range subsystems {
		p, ok := s.(interface{ Path(string) string })
		if !ok {
			continue
		}
		root := p.Path("/")
		if seen[root] {
			continue
		}
		seen[root] = true
		name := filepath.Base(root)
		d := Dir{Name: name, HostPath: p.Path(path)}
		if strings.Contains(name, ",") {
			d.Links = strings.Split(name, ",")
		}
		dirs = append(dirs, d)
	}
	if unified {
		dirs = append(dirs, Dir{Name: "unified", HostPath: filepath.Join(unifiedRoot, path)})
	}
	return dirs
}

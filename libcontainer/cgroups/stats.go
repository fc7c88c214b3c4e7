package cgroups

import (
	"math"
	"slices"

	"github.com/containerd/cgroups/v3/cgroup1"
	v1stats "github.com/containerd/cgroups/v3/cgroup1/stats"
	"github.com/containerd/cgroups/v3/cgroup2"
	v2stats "github.com/containerd/cgroups/v3/cgroup2/stats"
)

// Stats is a cgroup's resource usage in the shape of the data of runc's
// `events`, field for field, so whatever parses runc's output (go-runc in
// containerd, scripts) parses ours. Times are in nanoseconds, sizes in
// bytes, whatever the cgroup version.
type Stats struct {
	CPU     CPUStats                `json:"cpu"`
	Memory  MemoryStats             `json:"memory"`
	Pids    PidsStats               `json:"pids"`
	Blkio   BlkioStats              `json:"blkio"`
	Hugetlb map[string]HugetlbStats `json:"hugetlb"`
	// OOMKills counts the processes the kernel's OOM killer killed in the
	// cgroup (memory.oom_control or memory.events). runc reports these
	// as separate events, not in the data.
	OOMKills uint64 `json:"-"`
}

// CPUStats is cpu time used and time throttled.
type CPUStats struct {
	Usage      CPUUsage   `json:"usage"`
	Throttling Throttling `json:"throttling"`
}

// CPUUsage is cpu time in total, per cpu, in kernel and in user mode.
type CPUUsage struct {
	Total  uint64   `json:"total"`
	Percpu []uint64 `json:"percpu,omitempty"`
	Kernel uint64   `json:"kernel"`
	User   uint64   `json:"user"`
}

// Throttling counts CFS periods and the ones the quota throttled.
type Throttling struct {
	Periods          uint64 `json:"periods"`
	ThrottledPeriods uint64 `json:"throttledPeriods"`
	ThrottledTime    uint64 `json:"throttledTime"`
}

// MemoryStats is memory use, limits and memory.stat.
type MemoryStats struct {
	Cache uint64      `json:"cache"`
	Usage MemoryEntry `json:"usage"`
	// Swap is memory plus swap, as cgroup v1's memsw counts it.
	Swap      MemoryEntry       `json:"swap"`
	Kernel    MemoryEntry       `json:"kernel"`
	KernelTCP MemoryEntry       `json:"kernelTCP"`
	Raw       map[string]uint64 `json:"raw,omitempty"`
}

// MemoryEntry is one memory counter: Max is the peak usage.
type MemoryEntry struct {
	Limit   uint64 `json:"limit"`
	Usage   uint64 `json:"usage"`
	Max     uint64 `json:"max"`
	Failcnt uint64 `json:"failcnt"`
}

// PidsStats is the number of tasks; Limit 0 means no limit.
type PidsStats struct {
	Current uint64 `json:"current"`
	Limit   uint64 `json:"limit"`
}

// BlkioStats is block I/O per device and operation.
type BlkioStats struct {
	IoServiceBytesRecursive []BlkioEntry `json:"ioServiceBytesRecursive,omitempty"`
	IoServicedRecursive     []BlkioEntry `json:"ioServicedRecursive,omitempty"`
	IoQueuedRecursive       []BlkioEntry `json:"ioQueueRecursive,omitempty"`
	IoServiceTimeRecursive  []BlkioEntry `json:"ioServiceTimeRecursive,omitempty"`
	IoWaitTimeRecursive     []BlkioEntry `json:"ioWaitTimeRecursive,omitempty"`
	IoMergedRecursive       []BlkioEntry `json:"ioMergedRecursive,omitempty"`
	IoTimeRecursive         []BlkioEntry `json:"ioTimeRecursive,omitempty"`
	SectorsRecursive        []BlkioEntry `json:"sectorsRecursive,omitempty"`
}

// BlkioEntry is one device's count for one operation (Read, Write, ...).
type BlkioEntry struct {
	Major uint64 `json:"major"`
	Minor uint64 `json:"minor"`
	Op    string `json:"op"`
	Value uint64 `json:"value"`
}

// HugetlbStats is one page size; Max is the peak usage (v1 only).
type HugetlbStats struct {
	Usage   uint64 `json:"usage"`
	Max     uint64 `json:"max,omitempty"`
	Failcnt uint64 `json:"failcnt"`
}

// statV1 reads a v1 cgroup; on a hybrid host the hugetlb numbers come
// from the cgroup2 hierarchy when no v1 hierarchy has them and the
// container's cgroup there has the controller.
func statV1(cg cgroup1.Cgroup, unified *cgroup2.Manager) (*Stats, error) {
	m, err := cg.Stat(cgroup1.IgnoreNotExist)
	if err != nil {
		return nil, err
	}
	s := fromV1(m)
	if len(s.Hugetlb) == 0 && unified != nil {
		ctrls, _ := unified.Controllers()
		if slices.Contains(ctrls, "hugetlb") {
			if um, err := unified.StatFiltered(cgroup2.StatHugetlb); err == nil {
				s.Hugetlb = fromV2(um).Hugetlb
			}
		}
	}
	return s, nil
}

func statV2(m *cgroup2.Manager) (*Stats, error) {
	met, err := m.Stat()
	if err != nil {
		return nil, err
	}
	return fromV2(met), nil
}

// fromV1 maps containerd's cgroup v1 metrics.
func fromV1(m *v1stats.Metrics) *Stats {
	s := &Stats{Hugetlb: map[string]HugetlbStats{}}
	if c := m.CPU; c != nil {
		if u := c.Usage; u != nil {
			s.CPU.Usage = CPUUsage{Total: u.Total, Percpu: u.PerCPU, Kernel: u.Kernel, User: u.User}
		}
		if t := c.Throttling; t != nil {
			s.CPU.Throttling = Throttling{Periods: t.Periods, ThrottledPeriods: t.ThrottledPeriods, ThrottledTime: t.ThrottledTime}
		}
	}
	if mem := m.Memory; mem != nil {
		s.Memory = MemoryStats{Cache: mem.Cache, Usage: entryV1(mem.Usage), Swap: entryV1(mem.Swap),
			Kernel: entryV1(mem.Kernel), KernelTCP: entryV1(mem.KernelTCP), Raw: rawV1(mem)}
	}
	if o := m.MemoryOomControl; o != nil {
		s.OOMKills = o.OomKill
	}
	if p := m.Pids; p != nil {
		s.Pids = PidsStats{Current: p.Current, Limit: p.Limit}
	}
	if b := m.Blkio; b != nil {
		s.Blkio = BlkioStats{
			IoServiceBytesRecursive: blkioV1(b.IoServiceBytesRecursive),
			IoServicedRecursive:     blkioV1(b.IoServicedRecursive),
			IoQueuedRecursive:       blkioV1(b.IoQueuedRecursive),
			IoServiceTimeRecursive:  blkioV1(b.IoServiceTimeRecursive),
			IoWaitTimeRecursive:     blkioV1(b.IoWaitTimeRecursive),
			IoMergedRecursive:       blkioV1(b.IoMergedRecursive),
			IoTimeRecursive:         blkioV1(b.IoTimeRecursive),
			SectorsRecursive:        blkioV1(b.SectorsRecursive),
		}
	}
	for _, h := range m.Hugetlb {
		if h != nil {
			s.Hugetlb[h.Pagesize] = HugetlbStats{Usage: h.Usage, Max: h.Max, Failcnt: h.Failcnt}
		}
	}
	return s
}

func entryV1(e *v1stats.MemoryEntry) MemoryEntry {
	if e == nil {
		return MemoryEntry{}
	}
	return MemoryEntry{Limit: e.Limit, Usage: e.Usage, Max: e.Max, Failcnt: e.Failcnt}
}

func blkioV1(entries []*v1stats.BlkIOEntry) []BlkioEntry {
	var out []BlkioEntry
	for _, e := range entries {
		if e != nil {
			out = append(out, BlkioEntry{Major: e.Major, Minor: e.Minor, Op: e.Op, Value: e.Value})
		}
	}
	return out
}

// rawV1 is memory.stat under the kernel's own names.
func rawV1(m *v1stats.MemoryStat) map[string]uint64 {
	return map[string]uint64{
		"cache": m.Cache, "rss": m.RSS, "rss_huge": m.RSSHuge, "mapped_file": m.MappedFile,
		"dirty": m.Dirty, "writeback": m.Writeback, "pgpgin": m.PgPgIn, "pgpgout": m.PgPgOut,
		"pgfault": m.PgFault, "pgmajfault": m.PgMajFault,
		"inactive_anon": m.InactiveAnon, "active_anon": m.ActiveAnon,
		"inactive_file": m.InactiveFile, "active_file": m.ActiveFile, "unevictable": m.Unevictable,
		"hierarchical_memory_limit": m.HierarchicalMemoryLimit,
		"hierarchical_memsw_limit":  m.HierarchicalSwapLimit,
		"total_cache":               m.TotalCache, "total_rss": m.TotalRSS, "total_rss_huge": m.TotalRSSHuge,
		"total_mapped_file": m.TotalMappedFile, "total_dirty": m.TotalDirty,
		"total_writeback": m.TotalWriteback, "total_pgpgin": m.TotalPgPgIn,
		"total_pgpgout": m.TotalPgPgOut, "total_pgfault": m.TotalPgFault,
		"total_pgmajfault":    m.TotalPgMajFault,
		"total_inactive_anon": m.TotalInactiveAnon, "total_active_anon": m.TotalActiveAnon,
		"total_inactive_file": m.TotalInactiveFile, "total_active_file": m.TotalActiveFile,
		"total_unevictable": m.TotalUnevictable,
	}
}

// fromV2 maps containerd's cgroup v2 metrics onto the v1-shaped Stats:
// microseconds become nanoseconds, "max" limits of pids become 0.
func fromV2(m *v2stats.Metrics) *Stats {
	s := &Stats{Hugetlb: map[string]HugetlbStats{}}
	if c := m.CPU; c != nil {
		s.CPU.Usage = CPUUsage{Total: c.UsageUsec * 1000, Kernel: c.SystemUsec * 1000, User: c.UserUsec * 1000}
		s.CPU.Throttling = Throttling{Periods: c.NrPeriods, ThrottledPeriods: c.NrThrottled,
			ThrottledTime: c.ThrottledUsec * 1000}
	}
	if mem := m.Memory; mem != nil {
		var failcnt uint64
		if e := m.MemoryEvents; e != nil {
			failcnt = e.Max
		}
		s.Memory = MemoryStats{
			Cache: mem.File,
			Usage: MemoryEntry{Limit: mem.UsageLimit, Usage: mem.Usage, Max: mem.MaxUsage, Failcnt: failcnt},
			// memory+swap, like v1's memsw
			Swap: MemoryEntry{Limit: addSat(mem.SwapLimit, mem.UsageLimit), Usage: mem.SwapUsage + mem.Usage,
				Max: mem.SwapMaxUsage},
			Raw: rawV2(mem),
		}
	}
	if e := m.MemoryEvents; e != nil {
		s.OOMKills = e.OomKill
	}
	if p := m.Pids; p != nil {
		s.Pids = PidsStats{Current: p.Current, Limit: p.Limit}
		if p.Limit == math.MaxUint64 {
			s.Pids.Limit = 0
		}
	}
	if io := m.Io; io != nil {
		for _, e := range io.Usage {
			if e == nil {
				continue
			}
			s.Blkio.IoServiceBytesRecursive = append(s.Blkio.IoServiceBytesRecursive,
				BlkioEntry{Major: e.Major, Minor: e.Minor, Op: "Read", Value: e.Rbytes},
				BlkioEntry{Major: e.Major, Minor: e.Minor, Op: "Write", Value: e.Wbytes})
			s.Blkio.IoServicedRecursive = append(s.Blkio.IoServicedRecursive,
				BlkioEntry{Major: e.Major, Minor: e.Minor, Op: "Read", Value: e.Rios},
				BlkioEntry{Major: e.Major, Minor: e.Minor, Op: "Write", Value: e.Wios})
		}
	}
	for _, h := range m.Hugetlb {
		if h != nil {
			// v2 has no peak; its Max is the limit
			s.Hugetlb[h.Pagesize] = HugetlbStats{Usage: h.Current, Failcnt: h.Failcnt}
		}
	}
	return s
}

func rawV2(m *v2stats.MemoryStat) map[string]uint64 {
	return map[string]uint64{
		"anon": m.Anon, "file": m.File, "kernel_stack": m.KernelStack, "slab": m.Slab,
		"sock": m.Sock, "shmem": m.Shmem, "file_mapped": m.FileMapped, "file_dirty": m.FileDirty,
		"file_writeback": m.FileWriteback, "anon_thp": m.AnonThp,
		"inactive_anon": m.InactiveAnon, "active_anon": m.ActiveAnon,
		"inactive_file": m.InactiveFile, "active_file": m.ActiveFile, "unevictable": m.Unevictable,
		"slab_reclaimable": m.SlabReclaimable, "slab_unreclaimable": m.SlabUnreclaimable,
		"pgfault": m.Pgfault, "pgmajfault": m.Pgmajfault,
		"workingset_refault": m.WorkingsetRefault, "workingset_activate": m.WorkingsetActivate,
		"workingset_nodereclaim": m.WorkingsetNodereclaim,
		"pgrefill":               m.Pgrefill, "pgscan": m.Pgscan, "pgsteal": m.Pgsteal,
		"pgactivate": m.Pgactivate, "pgdeactivate": m.Pgdeactivate,
		"pglazyfree": m.Pglazyfree, "pglazyfreed": m.Pglazyfreed,
		"thp_fault_alloc": m.ThpFaultAlloc, "thp_collapse_alloc": m.ThpCollapseAlloc,
	}
}

// addSat adds two limits; "max" (MaxUint64) stays max.
func addSat(a, b uint64) uint64 {
	if a > math.MaxUint64-b {
		return math.MaxUint64
	}
	return a + b
}

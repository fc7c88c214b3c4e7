package cgroups

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	v1stats "github.com/containerd/cgroups/v3/cgroup1/stats"
	v2stats "github.com/containerd/cgroups/v3/cgroup2/stats"
)

func TestFromV1(t *testing.T) {
	m := &v1stats.Metrics{
		CPU: &v1stats.CPUStat{
			Usage:      &v1stats.CPUUsage{Total: 300, Kernel: 100, User: 200, PerCPU: []uint64{120, 180}},
			Throttling: &v1stats.Throttle{Periods: 10, ThrottledPeriods: 2, ThrottledTime: 5000},
		},
		Memory: &v1stats.MemoryStat{Cache: 7, TotalRSS: 11,
			Usage:  &v1stats.MemoryEntry{Limit: 1 << 20, Usage: 4096, Max: 8192, Failcnt: 1},
			Swap:   &v1stats.MemoryEntry{Limit: 2 << 20, Usage: 4096},
			Kernel: &v1stats.MemoryEntry{Usage: 512},
		},
		MemoryOomControl: &v1stats.MemoryOomControl{OomKill: 3},
		Pids:             &v1stats.PidsStat{Current: 4, Limit: 0},
		Blkio: &v1stats.BlkIOStat{IoServiceBytesRecursive: []*v1stats.BlkIOEntry{
			{Op: "Read", Major: 8, Minor: 0, Value: 1024}, nil,
		}},
		Hugetlb: []*v1stats.HugetlbStat{{Pagesize: "2MB", Usage: 2 << 20, Max: 4 << 20, Failcnt: 1}},
	}
	s := fromV1(m)
	if want := (CPUUsage{Total: 300, Kernel: 100, User: 200, Percpu: []uint64{120, 180}}); !reflect.DeepEqual(s.CPU.Usage, want) {
		t.Errorf("cpu usage %+v", s.CPU.Usage)
	}
	if s.CPU.Throttling != (Throttling{10, 2, 5000}) {
		t.Errorf("throttling %+v", s.CPU.Throttling)
	}
	if s.Memory.Usage != (MemoryEntry{Limit: 1 << 20, Usage: 4096, Max: 8192, Failcnt: 1}) ||
		s.Memory.Swap.Limit != 2<<20 || s.Memory.Kernel.Usage != 512 || s.Memory.KernelTCP != (MemoryEntry{}) {
		t.Errorf("memory %+v", s.Memory)
	}
	if s.Memory.Cache != 7 || s.Memory.Raw["cache"] != 7 || s.Memory.Raw["total_rss"] != 11 {
		t.Errorf("cache/raw %d %v", s.Memory.Cache, s.Memory.Raw)
	}
	if s.OOMKills != 3 || s.Pids != (PidsStats{Current: 4}) {
		t.Errorf("oom %d pids %+v", s.OOMKills, s.Pids)
	}
	if want := []BlkioEntry{{Major: 8, Op: "Read", Value: 1024}}; !reflect.DeepEqual(s.Blkio.IoServiceBytesRecursive, want) {
		t.Errorf("blkio %+v", s.Blkio)
	}
	if s.Hugetlb["2MB"] != (HugetlbStats{Usage: 2 << 20, Max: 4 << 20, Failcnt: 1}) {
		t.Errorf("hugetlb %+v", s.Hugetlb)
	}
}

func TestFromV1Empty(t *testing.T) {
	// a cgroup without some controllers: no panic, zeros
	s := fromV1(&v1stats.Metrics{CPU: &v1stats.CPUStat{}})
	if s.CPU.Usage.Total != 0 || s.Hugetlb == nil || s.Memory.Raw != nil {
		t.Errorf("%+v", s)
	}
}

func TestFromV2(t *testing.T) {
	m := &v2stats.Metrics{
		CPU: &v2stats.CPUStat{UsageUsec: 3, UserUsec: 2, SystemUsec: 1, NrPeriods: 9, NrThrottled: 4, ThrottledUsec: 7},
		Memory: &v2stats.MemoryStat{File: 5, Anon: 6, Usage: 100, UsageLimit: math.MaxUint64, MaxUsage: 150,
			SwapUsage: 10, SwapLimit: math.MaxUint64},
		MemoryEvents: &v2stats.MemoryEvents{Max: 2, OomKill: 1},
		Pids:         &v2stats.PidsStat{Current: 3, Limit: math.MaxUint64},
		Io:           &v2stats.IOStat{Usage: []*v2stats.IOEntry{{Major: 8, Minor: 16, Rbytes: 1, Wbytes: 2, Rios: 3, Wios: 4}}},
		Hugetlb:      []*v2stats.HugeTlbStat{{Pagesize: "1GB", Current: 1 << 30, Max: 2 << 30, Failcnt: 6}},
	}
	s := fromV2(m)
	if !reflect.DeepEqual(s.CPU.Usage, CPUUsage{Total: 3000, Kernel: 1000, User: 2000}) || s.CPU.Throttling != (Throttling{9, 4, 7000}) {
		t.Errorf("cpu %+v", s.CPU)
	}
	if s.Memory.Cache != 5 || s.Memory.Raw["anon"] != 6 ||
		s.Memory.Usage != (MemoryEntry{Limit: math.MaxUint64, Usage: 100, Max: 150, Failcnt: 2}) {
		t.Errorf("memory %+v", s.Memory)
	}
	// swap is memory+swap, and max+anything stays max
	if s.Memory.Swap.Usage != 110 || s.Memory.Swap.Limit != math.MaxUint64 {
		t.Errorf("swap %+v", s.Memory.Swap)
	}
	if s.OOMKills != 1 || s.Pids != (PidsStats{Current: 3, Limit: 0}) {
		t.Errorf("oom %d pids %+v", s.OOMKills, s.Pids)
	}
	wantBytes := []BlkioEntry{{8, 16, "Read", 1}, {8, 16, "Write", 2}}
	wantIOs := []BlkioEntry{{8, 16, "Read", 3}, {8, 16, "Write", 4}}
	if !reflect.DeepEqual(s.Blkio.IoServiceBytesRecursive, wantBytes) || !reflect.DeepEqual(s.Blkio.IoServicedRecursive, wantIOs) {
		t.Errorf("blkio %+v", s.Blkio)
	}
	// v2's Max is a limit, not a peak
	if s.Hugetlb["1GB"] != (HugetlbStats{Usage: 1 << 30, Failcnt: 6}) {
		t.Errorf("hugetlb %+v", s.Hugetlb)
	}
}

func TestAddSat(t *testing.T) {
	if addSat(1, 2) != 3 || addSat(math.MaxUint64, 1) != math.MaxUint64 || addSat(math.MaxUint64-1, 1) != math.MaxUint64 {
		t.Error("addSat")
	}
}

// The JSON names are runc's (what go-runc in containerd decodes).
func TestStatsJSONNames(t *testing.T) {
	s := fromV1(&v1stats.Metrics{
		CPU:    &v1stats.CPUStat{Usage: &v1stats.CPUUsage{Total: 1, PerCPU: []uint64{1}}, Throttling: &v1stats.Throttle{ThrottledPeriods: 1}},
		Memory: &v1stats.MemoryStat{Usage: &v1stats.MemoryEntry{Usage: 1}},
		Pids:   &v1stats.PidsStat{Current: 1},
		Blkio: &v1stats.BlkIOStat{IoQueuedRecursive: []*v1stats.BlkIOEntry{{Op: "Read"}},
			IoServiceBytesRecursive: []*v1stats.BlkIOEntry{{Op: "Read"}}},
		Hugetlb:          []*v1stats.HugetlbStat{{Pagesize: "2MB"}},
		MemoryOomControl: &v1stats.MemoryOomControl{OomKill: 5},
	})
	data, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	json.Unmarshal(data, &m)
	for _, path := range [][]string{
		{"cpu", "usage", "total"}, {"cpu", "usage", "percpu"}, {"cpu", "usage", "kernel"}, {"cpu", "usage", "user"},
		{"cpu", "throttling", "periods"}, {"cpu", "throttling", "throttledPeriods"}, {"cpu", "throttling", "throttledTime"},
		{"memory", "cache"}, {"memory", "usage", "usage"}, {"memory", "usage", "limit"}, {"memory", "usage", "max"},
		{"memory", "usage", "failcnt"}, {"memory", "swap", "usage"}, {"memory", "kernel", "usage"},
		{"memory", "kernelTCP", "usage"}, {"memory", "raw", "total_rss"},
		{"pids", "current"}, {"pids", "limit"},
		{"blkio", "ioServiceBytesRecursive"}, {"blkio", "ioQueueRecursive"},
		{"hugetlb", "2MB", "usage"}, {"hugetlb", "2MB", "failcnt"},
	} {
		var v any = m
		for _, k := range path {
			obj, _ := v.(map[string]any)
			v = obj[k]
		}
		if v == nil {
			t.Errorf("no %v in %s", path, data)
		}
	}
	if _, ok := m["OOMKills"]; ok {
		t.Error("OOMKills is not part of the data")
	}
}

// (v2.go) a spec weight goes to io.bfq.weight as it is, or to io.weight
// on its 1-10000 scale when there is no BFQ.
func TestIOWeight(t *testing.T) {
	dir := t.TempDir()
	if got := ioWeight(dir, 500); got != [2]string{"io.bfq.weight", "500"} {
		t.Errorf("no io files: %v", got)
	}
	os.WriteFile(filepath.Join(dir, "io.weight"), nil, 0o600)
	for w, want := range map[uint16]string{10: "default 1", 500: "default 4950", 1000: "default 10000"} {
		if got := ioWeight(dir, w); got != [2]string{"io.weight", want} {
			t.Errorf("io.weight %d: %v", w, got)
		}
	}
	os.WriteFile(filepath.Join(dir, "io.bfq.weight"), nil, 0o600)
	if got := ioWeight(dir, 500); got != [2]string{"io.bfq.weight", "500"} {
		t.Errorf("bfq: %v", got)
	}
}

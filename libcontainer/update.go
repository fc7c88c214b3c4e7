package libcontainer

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"myrunc/libcontainer/cgroups"
)

// defaultCPUPeriod is the kernel's CFS period (µs), written with a quota
// when neither the request nor the spec names a period: cgroup v2 sets
// both in one file.
const defaultCPUPeriod = 100000

// Update changes the resource limits of a created, running or paused
// container: only the fields r sets. Devices, network and rdma are not
// updatable and are ignored, like runc does. As runc does, the
// container's own device rules are written again, as the difference from
// the kernel's list (nothing, unless something changed them behind the
// runtime's back). The spec copy in the state directory (config.json)
// keeps the new limits for later reads.
func (c *Container) Update(r *specs.LinuxResources) error {
	if err := c.lockUsable(); err != nil {
		return err
	}
	defer c.Unlock()
	switch st := c.Status(); st {
	case Creating:
		return &stateError{"update", c.id, st}
	case Stopped:
		return fmt.Errorf("cannot update container %q: %w", c.id, ErrNotRunning)
	}
	s, err := c.Config()
	if err != nil {
		return err
	}
	if s.Linux == nil {
		s.Linux = &specs.Linux{}
	}
	old := s.Linux.Resources
	if old == nil {
		old = &specs.LinuxResources{}
	}
	m, err := cgroups.Load(c.state.CgroupPath)
	if err != nil {
		return err
	}
	delta, warnings := updatable(r)
	if sizes := missingHugetlb(m.Dirs(), delta.HugepageLimits); len(sizes) > 0 {
		// a limit asked for is refused, as create refuses it; zeros mean
		// none (kubelet sends one for every size) and are dropped
		for _, l := range delta.HugepageLimits {
			if l.Limit != 0 && slices.Contains(sizes, l.Pagesize) {
				return fmt.Errorf("update container %q: linux.resources.hugepageLimits (%s): this host has no hugetlb cgroup controller", c.id, l.Pagesize)
			}
		}
		warnings = append(warnings, fmt.Sprintf("hugepageLimits for %s ignored: the container has no hugetlb cgroup controller on this host",
			strings.Join(sizes, ", ")))
		delta.HugepageLimits = slices.DeleteFunc(slices.Clone(delta.HugepageLimits),
			func(l specs.LinuxHugepageLimit) bool { return slices.Contains(sizes, l.Pagesize) })
	}
	merged := mergeResources(old, delta)
	apply := withPairs(delta, merged)
	apply.Devices = cgroupResources(s).Devices
	for _, w := range warnings {
		slog.Warn(w, "container", c.id)
	}
	if err := m.Set(withCheck(apply, merged)); err != nil {
		// put back what may have been written, as far as the spec knows it
		m.Set(undoResources(old, apply))
		return fmt.Errorf("update container %q: %w", c.id, explainSetError(err))
	}
	s.Linux.Resources = merged
	return saveConfig(c.dir, s)
}

// updatable is the part of r that update applies, and warnings for what
// it drops. As in runc, a 0 memory limit, share, period or weight means
// "leave it": Docker sends every one of them, most as 0.
func updatable(r *specs.LinuxResources) (*specs.LinuxResources, []string) {
	out := &specs.LinuxResources{}
	if r == nil {
		return out, nil
	}
	var warnings []string
	if r.Memory != nil {
		m := *r.Memory
		m.Limit, m.Reservation, m.Swap = unlessZero(m.Limit), unlessZero(m.Reservation), unlessZero(m.Swap)
		m.KernelTCP = unlessZero(m.KernelTCP)
		if unlessZero(m.Kernel) != nil {
			warnings = append(warnings, "memory.kernel (--kernel-memory) ignored: kernel memory limits are not supported (obsolete since Linux 5.4)")
		}
		m.Kernel = nil
		out.Memory = &m
	}
	if r.CPU != nil {
		c := *r.CPU
		c.Shares, c.Quota, c.Period = unlessZero(c.Shares), unlessZero(c.Quota), unlessZero(c.Period)
		c.RealtimeRuntime, c.RealtimePeriod = unlessZero(c.RealtimeRuntime), unlessZero(c.RealtimePeriod)
		out.CPU = &c
	}
	if r.Pids != nil {
		// not unlessZero: since runtime-spec 1.3 (and runc 1.4) a pids
		// limit of 0 is a limit, and only a missing one means "leave it"
		out.Pids = &specs.LinuxPids{Limit: r.Pids.Limit}
	}
	if r.BlockIO != nil {
		b := *r.BlockIO
		b.Weight, b.LeafWeight = unlessZero(b.Weight), unlessZero(b.LeafWeight)
		out.BlockIO = &b
	}
	out.HugepageLimits = r.HugepageLimits
	out.Unified = r.Unified
	return out, warnings
}

func unlessZero[T comparable](p *T) *T {
	var zero T
	if p == nil || *p == zero {
		return nil
	}
	return p
}

// mergeResources is old with every field delta sets replaced.
func mergeResources(old, delta *specs.LinuxResources) *specs.LinuxResources {
	out := *old
	overlay(&out, delta, delta)
	return &out
}

// undoResources is old's value of every field apply sets (nil where the
// spec had none: those cannot be restored).
func undoResources(old, apply *specs.LinuxResources) *specs.LinuxResources {
	out := &specs.LinuxResources{}
	overlay(out, old, apply)
	if out.Memory != nil {
		out.Memory.CheckBeforeUpdate = nil // the old limit goes back unchecked
	}
	return out
}

// withPairs completes a delta with the other half of limits cgroup v2
// writes together or relative to each other: the CFS quota and period
// (one file, cpu.max), and the memory limit for a swap limit (v2's
// swap.max is the swap alone, computed from both). The other half comes
// from merged.
func withPairs(delta, merged *specs.LinuxResources) *specs.LinuxResources {
	out := *delta
	if c := delta.CPU; c != nil && (c.Quota != nil || c.Period != nil) {
		cpu := *c
		cpu.Quota, cpu.Period = merged.CPU.Quota, merged.CPU.Period
		if cpu.Period == nil {
			cpu.Period = ptrTo(uint64(defaultCPUPeriod))
		}
		out.CPU = &cpu
	}
	// the rt pair too: cgroups writes a period and its budget in an order
	// the kernel takes only when it has both
	if c := out.CPU; c != nil && (c.RealtimeRuntime != nil || c.RealtimePeriod != nil) {
		cpu := *c
		cpu.RealtimeRuntime, cpu.RealtimePeriod = merged.CPU.RealtimeRuntime, merged.CPU.RealtimePeriod
		out.CPU = &cpu
	}
	if m := delta.Memory; m != nil && m.Swap != nil && m.Limit == nil {
		mem := *m
		mem.Limit = merged.Memory.Limit
		out.Memory = &mem
	}
	return &out
}

// withCheck is apply asking for the memory check before a new limit when
// the container's spec (merged: create's, or an earlier update's) has
// memory.checkBeforeUpdate: the request need not repeat it. The undo of a
// failed update is written without the check.
func withCheck(apply, merged *specs.LinuxResources) *specs.LinuxResources {
	if apply.Memory == nil || apply.Memory.Limit == nil || merged.Memory == nil || merged.Memory.CheckBeforeUpdate == nil {
		return apply
	}
	out := *apply
	mem := *apply.Memory
	mem.CheckBeforeUpdate = merged.Memory.CheckBeforeUpdate
	out.Memory = &mem
	return &out
}

// overlay sets in dst every field that mask sets, to src's value. Groups
// of dst are copied before they change: dst may share them with the
// spec it was copied from.
func overlay(dst, src, mask *specs.LinuxResources) {
	if m := mask.Memory; m != nil {
		s, d := orEmpty(src.Memory), own(&dst.Memory)
		pick(&d.Limit, s.Limit, m.Limit)
		pick(&d.Reservation, s.Reservation, m.Reservation)
		pick(&d.Swap, s.Swap, m.Swap)
		pick(&d.Kernel, s.Kernel, m.Kernel)
		pick(&d.KernelTCP, s.KernelTCP, m.KernelTCP)
		pick(&d.Swappiness, s.Swappiness, m.Swappiness)
		pick(&d.DisableOOMKiller, s.DisableOOMKiller, m.DisableOOMKiller)
		pick(&d.UseHierarchy, s.UseHierarchy, m.UseHierarchy)
		pick(&d.CheckBeforeUpdate, s.CheckBeforeUpdate, m.CheckBeforeUpdate)
	}
	if m := mask.CPU; m != nil {
		s, d := orEmpty(src.CPU), own(&dst.CPU)
		pick(&d.Shares, s.Shares, m.Shares)
		pick(&d.Quota, s.Quota, m.Quota)
		pick(&d.Burst, s.Burst, m.Burst)
		pick(&d.Period, s.Period, m.Period)
		pick(&d.RealtimeRuntime, s.RealtimeRuntime, m.RealtimeRuntime)
		pick(&d.RealtimePeriod, s.RealtimePeriod, m.RealtimePeriod)
		pick(&d.Idle, s.Idle, m.Idle)
		if m.Cpus != "" {
			d.Cpus = s.Cpus
		}
		if m.Mems != "" {
			d.Mems = s.Mems
		}
	}
	if m := mask.Pids; m != nil {
		s, d := orEmpty(src.Pids), own(&dst.Pids)
		pick(&d.Limit, s.Limit, m.Limit)
	}
	if m := mask.BlockIO; m != nil {
		s, d := orEmpty(src.BlockIO), own(&dst.BlockIO)
		pick(&d.Weight, s.Weight, m.Weight)
		pick(&d.LeafWeight, s.LeafWeight, m.LeafWeight)
		pickSlice(&d.WeightDevice, s.WeightDevice, m.WeightDevice)
		pickSlice(&d.ThrottleReadBpsDevice, s.ThrottleReadBpsDevice, m.ThrottleReadBpsDevice)
		pickSlice(&d.ThrottleWriteBpsDevice, s.ThrottleWriteBpsDevice, m.ThrottleWriteBpsDevice)
		pickSlice(&d.ThrottleReadIOPSDevice, s.ThrottleReadIOPSDevice, m.ThrottleReadIOPSDevice)
		pickSlice(&d.ThrottleWriteIOPSDevice, s.ThrottleWriteIOPSDevice, m.ThrottleWriteIOPSDevice)
	}
	if len(mask.HugepageLimits) > 0 {
		// by page size: sizes the mask does not name keep their limit
		out := append([]specs.LinuxHugepageLimit(nil), dst.HugepageLimits...)
		for _, m := range mask.HugepageLimits {
			for _, s := range src.HugepageLimits {
				if s.Pagesize == m.Pagesize {
					out = setHugepage(out, s)
				}
			}
		}
		dst.HugepageLimits = out
	}
	if len(mask.Unified) > 0 {
		out := make(map[string]string, len(dst.Unified)+len(mask.Unified))
		for k, v := range dst.Unified {
			out[k] = v
		}
		for k := range mask.Unified {
			if v, ok := src.Unified[k]; ok {
				out[k] = v
			}
		}
		dst.Unified = out
	}
}

func setHugepage(list []specs.LinuxHugepageLimit, l specs.LinuxHugepageLimit) []specs.LinuxHugepageLimit {
	for i := range list {
		if list[i].Pagesize == l.Pagesize {
			list[i] = l
			return list
		}
	}
	return append(list, l)
}

// pick sets *dst to src when mask is set.
func pick[T any](dst **T, src, mask *T) {
	if mask != nil {
		*dst = src
	}
}

func pickSlice[T any](dst *[]T, src, mask []T) {
	if mask != nil {
		*dst = src
	}
}

// own makes *p a fresh copy (or a new zero value) that can be changed.
func own[T any](p **T) *T {
	c := new(T)
	if *p != nil {
		*c = **p
	}
	*p = c
	return c
}

func orEmpty[T any](p *T) *T {
	if p == nil {
		return new(T)
	}
	return p
}

func ptrTo[T any](v T) *T { return &v }

// missingHugetlb lists the page sizes of limits that no hierarchy the
// manager writes has a limit file for. On a hybrid host hugetlb lives in
// the cgroup2 hierarchy (unified/), which resource updates do not use.
func missingHugetlb(dirs []cgroups.Dir, limits []specs.LinuxHugepageLimit) []string {
	var missing []string
	for _, l := range limits {
		found := false
		for _, d := range dirs {
			file := "hugetlb." + l.Pagesize + ".limit_in_bytes"
			if d.Name == "" {
				file = "hugetlb." + l.Pagesize + ".max" // pure cgroup v2
			}
			if d.Name != "unified" && exists(filepath.Join(d.HostPath, file)) {
				found = true
				break
			}
		}
		if !found {
			missing = append(missing, l.Pagesize)
		}
	}
	return missing
}

// resourceFiles names the resource behind a cgroup file, for errors.
var resourceFiles = map[string]string{
	"blkio.weight":                     "blockIO.weight (--blkio-weight)",
	"blkio.bfq.weight":                 "blockIO.weight (--blkio-weight)",
	"blkio.leaf_weight":                "blockIO.leafWeight",
	"blkio.weight_device":              "blockIO.weightDevice",
	"blkio.throttle.read_bps_device":   "blockIO.throttleReadBpsDevice",
	"blkio.throttle.write_bps_device":  "blockIO.throttleWriteBpsDevice",
	"blkio.throttle.read_iops_device":  "blockIO.throttleReadIOPSDevice",
	"blkio.throttle.write_iops_device": "blockIO.throttleWriteIOPSDevice",
	"io.bfq.weight":                    "blockIO.weight (--blkio-weight)",
	"io.weight":                        "blockIO.weight (--blkio-weight)",
	"io.max":                           "blockIO throttling",
	"cpu.shares":                       "cpu.shares (--cpu-share)",
	"cpu.weight":                       "cpu.shares (--cpu-share)",
	"cpu.cfs_quota_us":                 "cpu.quota (--cpu-quota)",
	"cpu.cfs_period_us":                "cpu.period (--cpu-period)",
	"cpu.max":                          "cpu.quota and cpu.period (--cpu-quota, --cpu-period)",
	"cpu.cfs_burst_us":                 "cpu.burst",
	"cpu.max.burst":                    "cpu.burst",
	"cpu.rt_runtime_us":                "cpu.realtimeRuntime (--cpu-rt-runtime)",
	"cpu.rt_period_us":                 "cpu.realtimePeriod (--cpu-rt-period)",
	"cpu.idle":                         "cpu.idle",
	"cpuset.cpus":                      "cpu.cpus (--cpuset-cpus)",
	"cpuset.mems":                      "cpu.mems (--cpuset-mems)",
	"memory.limit_in_bytes":            "memory.limit (--memory)",
	"memory.max":                       "memory.limit (--memory)",
	"memory.soft_limit_in_bytes":       "memory.reservation (--memory-reservation)",
	"memory.low":                       "memory.reservation (--memory-reservation)",
	"memory.memsw.limit_in_bytes":      "memory.swap (--memory-swap; needs swap accounting)",
	"memory.swap.max":                  "memory.swap (--memory-swap)",
	"memory.kmem.tcp.limit_in_bytes":   "memory.kernelTCP (--kernel-memory-tcp)",
	"memory.swappiness":                "memory.swappiness",
	"memory.oom_control":               "memory.disableOOMKiller",
	"pids.max":                         "pids.limit (--pids-limit)",
}

// explainSetError names the resource behind a failed cgroup write: a
// missing file is a controller or feature this host lacks.
func explainSetError(err error) error {
	var pe *fs.PathError
	if !errors.As(err, &pe) {
		return err
	}
	file := filepath.Base(pe.Path)
	what, ok := resourceFiles[file]
	if !ok {
		what = file
		if strings.HasPrefix(file, "hugetlb.") {
			what = "hugepageLimits"
		}
	}
	// cgroupfs refuses to create a file it lacks with EACCES
	_, statErr := os.Stat(pe.Path)
	switch {
	case errors.Is(pe.Err, unix.ENOENT) || errors.Is(pe.Err, unix.EACCES) && errors.Is(statErr, fs.ErrNotExist):
		return fmt.Errorf("this host does not support %s: the container's cgroup has no %s (%s)", what, file, filepath.Dir(pe.Path))
	case errors.Is(pe.Err, unix.EBUSY) && strings.HasPrefix(file, "memory."):
		return fmt.Errorf("cannot set %s: the container uses more memory than that: %w", what, err)
	case errors.Is(pe.Err, unix.EINVAL) && file == "memory.limit_in_bytes":
		return fmt.Errorf("cannot set %s: the memory limit may not exceed the memory+swap limit (set --memory-swap too): %w", what, err)
	case errors.Is(pe.Err, unix.EINVAL):
		return fmt.Errorf("invalid value for %s: %w", what, err)
	}
	return fmt.Errorf("set %s: %w", what, err)
}

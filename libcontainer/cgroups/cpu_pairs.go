package cgroups

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// writeV1CPUPairs writes each v1 period with its budget (cfs quota, rt
// runtime) in an order the kernel takes, and returns c less what it
// wrote. The kernel checks every single write: a runtime above its
// period, or a quota/period ratio above the parent's (a pod cgroup with a
// limit), is EINVAL even when the pair as a whole is fine. So the period
// goes first (right when it grows), and when the kernel refuses it the
// budget goes first, then the period again (right when it shrinks).
func writeV1CPUPairs(c *specs.LinuxCPU, dir string) (*specs.LinuxCPU, error) {
	if c == nil {
		return nil, nil
	}
	out := *c
	if c.Period != nil && c.Quota != nil {
		if err := writePeriodPair(dir, "cpu.cfs_period_us", *c.Period, "cpu.cfs_quota_us", *c.Quota); err != nil {
			return nil, err
		}
		out.Period, out.Quota = nil, nil
	}
	if c.RealtimePeriod != nil && c.RealtimeRuntime != nil {
		if err := writePeriodPair(dir, "cpu.rt_period_us", *c.RealtimePeriod, "cpu.rt_runtime_us", *c.RealtimeRuntime); err != nil {
			return nil, err
		}
		out.RealtimePeriod, out.RealtimeRuntime = nil, nil
	}
	return &out, nil
}

func writePeriodPair(dir, periodFile string, period uint64, budgetFile string, budget int64) error {
	write := func(name, v string) error {
		return os.WriteFile(filepath.Join(dir, name), []byte(v), 0)
	}
	p, b := strconv.FormatUint(period, 10), strconv.FormatInt(budget, 10)
	err := write(periodFile, p)
	if err == nil {
		return write(budgetFile, b)
	}
	if !errors.Is(err, unix.EINVAL) {
		return err
	}
	if err := write(budgetFile, b); err != nil {
		return err
	}
	return write(periodFile, p)
}

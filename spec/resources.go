package spec

import (
	"strconv"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// ValidateResources checks linux.resources: what config.json asks at
// create and what `update --resources` asks later, so that a value the
// kernel would refuse fails here, naming the field, rather than half-way
// through writing the cgroup. A zero means "not set" where update takes
// it so (runc's rule), so zeros pass.
func ValidateResources(r *specs.LinuxResources) error {
	loadTables()
	if r == nil {
		return nil
	}
	const p = "linux.resources"
	return first(
		func() error { return checkDeviceRules(p+".devices", r.Devices) },
		func() error { return checkMemory(p+".memory", r.Memory) },
		func() error { return checkCPU(p+".cpu", r.CPU) },
		func() error { return checkPids(p+".pids", r.Pids) },
		func() error { return checkBlockIO(p+".blockIO", r.BlockIO) },
		func() error { return checkHugepages(p+".hugepageLimits", r.HugepageLimits) },
		func() error { return checkNetwork(p+".network", r.Network) },
		func() error { return checkRdma(p+".rdma", r.Rdma) },
		func() error { return checkUnified(p+".unified", r.Unified) },
	)
}

func checkDeviceRules(base string, rules []specs.LinuxDeviceCgroup) error {
	for i, d := range rules {
		p := at(base, i)
		switch d.Type {
		case "", "a", "b", "c":
		default:
			return fieldErr(p+".type", "unknown type %q (want a, b or c)", d.Type)
		}
		if strings.Trim(d.Access, "rwm") != "" {
			return fieldErr(p+".access", "%q is not a combination of r, w and m", d.Access)
		}
		if d.Major != nil && *d.Major < -1 {
			return fieldErr(p+".major", "%d is negative (-1 or leaving it out means any)", *d.Major)
		}
		if d.Minor != nil && *d.Minor < -1 {
			return fieldErr(p+".minor", "%d is negative (-1 or leaving it out means any)", *d.Minor)
		}
	}
	return nil
}

// limitOrUnlimited: -1 means no limit, 0 not set, a positive value is one.
func limitOrUnlimited(field string, v *int64) error {
	if v != nil && *v < -1 {
		return fieldErr(field, "%d is below -1 (-1 means no limit)", *v)
	}
	return nil
}

func checkMemory(p string, m *specs.LinuxMemory) error {
	if m == nil {
		return nil
	}
	for _, l := range []struct {
		name string
		v    *int64
	}{{"limit", m.Limit}, {"reservation", m.Reservation}, {"swap", m.Swap}, {"kernel", m.Kernel}, {"kernelTCP", m.KernelTCP}} { //nolint:staticcheck // kernel is ignored with a warning, but must still be a number
		if err := limitOrUnlimited(p+"."+l.name, l.v); err != nil {
			return err
		}
	}
	if m.Swappiness != nil && *m.Swappiness > 100 {
		return fieldErr(p+".swappiness", "%d is above 100", *m.Swappiness)
	}
	if m.Limit != nil && m.Swap != nil && *m.Limit > 0 && *m.Swap > 0 && *m.Swap < *m.Limit {
		return fieldErr(p+".swap", "%d is below memory.limit %d (swap is memory plus swap)", *m.Swap, *m.Limit)
	}
	return nil
}

// The kernel's ranges: CFS period 1 ms to 1 s, a quota of at least 1 ms,
// shares up to 262144 (cgroup v2's weight 10000).
const (
	minCFSPeriod = 1000
	maxCFSPeriod = 1000000
	minCFSQuota  = 1000
	maxShares    = 262144
)

func checkCPU(p string, c *specs.LinuxCPU) error {
	if c == nil {
		return nil
	}
	switch {
	case c.Shares != nil && *c.Shares > maxShares:
		return fieldErr(p+".shares", "%d is above %d", *c.Shares, maxShares)
	case c.Quota != nil && *c.Quota < -1:
		return fieldErr(p+".quota", "%d is below -1 (-1 means no limit)", *c.Quota)
	case c.Quota != nil && *c.Quota > 0 && *c.Quota < minCFSQuota:
		return fieldErr(p+".quota", "%d µs is below the kernel's minimum of %d", *c.Quota, minCFSQuota)
	case c.Period != nil && *c.Period != 0 && (*c.Period < minCFSPeriod || *c.Period > maxCFSPeriod):
		return fieldErr(p+".period", "%d µs is outside the kernel's %d to %d", *c.Period, minCFSPeriod, maxCFSPeriod)
	case c.Burst != nil && c.Quota != nil && *c.Quota > 0 && *c.Burst > uint64(*c.Quota):
		return fieldErr(p+".burst", "%d is above cpu.quota %d", *c.Burst, *c.Quota)
	case c.RealtimeRuntime != nil && *c.RealtimeRuntime < -1:
		return fieldErr(p+".realtimeRuntime", "%d is below -1 (-1 means no limit)", *c.RealtimeRuntime)
	case c.RealtimeRuntime != nil && c.RealtimePeriod != nil && *c.RealtimePeriod > 0 && *c.RealtimeRuntime > int64(min(*c.RealtimePeriod, 1<<62)):
		return fieldErr(p+".realtimeRuntime", "%d is above cpu.realtimePeriod %d", *c.RealtimeRuntime, *c.RealtimePeriod)
	case c.Idle != nil && *c.Idle != 0 && *c.Idle != 1:
		return fieldErr(p+".idle", "%d is not 0 or 1", *c.Idle)
	}
	if err := checkCPUList(p+".cpus", c.Cpus); err != nil {
		return err
	}
	return checkCPUList(p+".mems", c.Mems)
}

// checkCPUList checks a cpuset list: "0-3", "0,2", "0-1,4" ("" is unset).
func checkCPUList(field, s string) error {
	if s == "" {
		return nil
	}
	for _, part := range strings.Split(s, ",") {
		lo, hi, isRange := strings.Cut(strings.TrimSpace(part), "-")
		a, err1 := strconv.ParseUint(lo, 10, 31)
		b, err2 := a, error(nil)
		if isRange {
			b, err2 = strconv.ParseUint(hi, 10, 31)
		}
		if err1 != nil || err2 != nil || b < a {
			return fieldErr(field, "%q is not a list of numbers and ranges like 0-3,5", s)
		}
	}
	return nil
}

func checkPids(p string, pids *specs.LinuxPids) error {
	if pids == nil {
		return nil
	}
	return limitOrUnlimited(p+".limit", pids.Limit)
}

// blkio weights are 10 to 1000 (0: not set).
func checkWeight(field string, w *uint16) error {
	if w != nil && *w != 0 && (*w < 10 || *w > 1000) {
		return fieldErr(field, "%d is outside 10 to 1000", *w)
	}
	return nil
}

func checkBlockIO(p string, b *specs.LinuxBlockIO) error {
	if b == nil {
		return nil
	}
	if err := checkWeight(p+".weight", b.Weight); err != nil {
		return err
	}
	if err := checkWeight(p+".leafWeight", b.LeafWeight); err != nil {
		return err
	}
	for i, d := range b.WeightDevice {
		q := at(p+".weightDevice", i)
		if err := checkBlockDevice(q, d.Major, d.Minor); err != nil {
			return err
		}
		if err := checkWeight(q+".weight", d.Weight); err != nil {
			return err
		}
		if err := checkWeight(q+".leafWeight", d.LeafWeight); err != nil {
			return err
		}
	}
	for _, list := range []struct {
		name string
		devs []specs.LinuxThrottleDevice
	}{{"throttleReadBpsDevice", b.ThrottleReadBpsDevice}, {"throttleWriteBpsDevice", b.ThrottleWriteBpsDevice},
		{"throttleReadIOPSDevice", b.ThrottleReadIOPSDevice}, {"throttleWriteIOPSDevice", b.ThrottleWriteIOPSDevice}} {
		for i, d := range list.devs {
			if err := checkBlockDevice(at(p+"."+list.name, i), d.Major, d.Minor); err != nil {
				return err
			}
		}
	}
	return nil
}

func checkBlockDevice(p string, major, minor int64) error {
	if major < 0 || major > maxMajor {
		return fieldErr(p+".major", "%d is outside 0 to %d", major, maxMajor)
	}
	if minor < 0 || minor > maxMinor {
		return fieldErr(p+".minor", "%d is outside 0 to %d", minor, maxMinor)
	}
	return nil
}

func checkHugepages(base string, limits []specs.LinuxHugepageLimit) error {
	for i, h := range limits {
		m := pageSizeRE.FindStringSubmatch(h.Pagesize)
		n, err := uint64(0), error(nil)
		if m != nil {
			n, err = strconv.ParseUint(m[1], 10, 64)
		}
		// Huge pages are always a power of two; "3MB" cannot name a
		// hugetlb.<size> cgroup file.
		if m == nil || err != nil || n&(n-1) != 0 {
			return fieldErr(at(base, i)+".pageSize", "invalid page size %q (want a power of two with a unit, e.g. 2MB)", h.Pagesize)
		}
	}
	return nil
}

func checkNetwork(p string, n *specs.LinuxNetwork) error {
	if n == nil {
		return nil
	}
	for i, prio := range n.Priorities {
		if prio.Name == "" || strings.ContainsAny(prio.Name, "/ \x00") {
			return fieldErr(at(p+".priorities", i)+".name", "%q is not a network interface name", prio.Name)
		}
	}
	return nil
}

func checkRdma(p string, rdma map[string]specs.LinuxRdma) error {
	for _, dev := range sortedKeys(rdma) {
		if dev == "" || strings.ContainsAny(dev, "/ \x00") {
			return fieldErr(keyed(p, dev), "%q is not an RDMA device name", dev)
		}
	}
	return nil
}

// checkUnified: keys are files of the container's cgroup directory,
// "<controller>.<knob>"; never a path out of it, nor the files that move
// processes or make threads of the hierarchy.
func checkUnified(p string, unified map[string]string) error {
	for _, key := range sortedKeys(unified) {
		ctrl, _, ok := strings.Cut(key, ".")
		switch {
		case !ok || ctrl == "" || strings.ContainsAny(key, "/\x00") || strings.HasPrefix(key, "."):
			return fieldErr(keyed(p, key), "is not a cgroup file name (<controller>.<name>)")
		case ctrl == "cgroup" && key != "cgroup.max.depth" && key != "cgroup.max.descendants":
			return fieldErr(keyed(p, key), "cannot be set: it is the cgroup's own control file")
		}
	}
	return nil
}

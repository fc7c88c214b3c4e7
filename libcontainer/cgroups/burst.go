package cgroups

import (
	"os"
	"strconv"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// lowerBurstFirst writes a cpu burst that is lower than the current one
// before the quota: the kernel refuses a quota below the burst in place,
// and the quota is written first otherwise (a higher burst may need the
// new, higher quota). file is cpu.cfs_burst_us (v1) or cpu.max.burst (v2).
func lowerBurstFirst(cpu *specs.LinuxCPU, file string) error {
	if cpu == nil || cpu.Burst == nil {
		return nil
	}
	cur, err := readInt(file)
	if err != nil || uint64(cur) <= *cpu.Burst {
		return nil // nothing to lower (a missing file is reported later)
	}
	return os.WriteFile(file, []byte(strconv.FormatUint(*cpu.Burst, 10)), 0)
}

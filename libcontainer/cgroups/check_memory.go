package cgroups

import (
	"fmt"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// checkBeforeUpdate refuses, before anything is written, a memory limit
// below what the cgroup uses now when memory.checkBeforeUpdate asks for
// it. Without the check the kernel would reclaim down to the new limit
// (v1 gives up with EBUSY only after pushing the container's page cache
// and swap out; v2 takes any limit and OOM-kills), which is what the
// runtime-spec lets a caller opt out of. The same on v1 and v2: usage is
// memory.usage_in_bytes or memory.current, page cache included.
func checkBeforeUpdate(mem *specs.LinuxMemory, usage func() (int64, error)) error {
	if mem == nil || mem.CheckBeforeUpdate == nil || !*mem.CheckBeforeUpdate || mem.Limit == nil || *mem.Limit <= 0 {
		return nil
	}
	cur, err := usage()
	if err != nil {
		return fmt.Errorf("memory.checkBeforeUpdate: cannot read the memory usage: %w", err)
	}
	if *mem.Limit < cur {
		return fmt.Errorf("memory limit %d is below the container's memory usage %d (memory.checkBeforeUpdate is set): the limit was not changed", *mem.Limit, cur)
	}
	return nil
}

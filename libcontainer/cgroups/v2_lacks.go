package cgroups

import (
	"fmt"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// v2Lacks refuses the v1-only resources cgroup v2 has no file for, when
// they ask for something; the values that ask for nothing pass, since
// engines send them as defaults: disableOOMKiller false, useHierarchy
// true (v2 is always hierarchical), zero TCP limits and class ids.
// memory.kernel, obsolete on v1 too, is ignored with a warning on both.
func v2Lacks(r *specs.LinuxResources) error {
	if m := r.Memory; m != nil {
		switch {
		case m.Swappiness != nil:
			return fmt.Errorf("linux.resources.memory.swappiness: cgroup v2 has no per-cgroup swappiness (memory.swappiness is v1 only)")
		case m.DisableOOMKiller != nil && *m.DisableOOMKiller:
			return fmt.Errorf("linux.resources.memory.disableOOMKiller: cgroup v2 cannot disable the OOM killer (memory.oom_control is v1 only)")
		case m.UseHierarchy != nil && !*m.UseHierarchy:
			return fmt.Errorf("linux.resources.memory.useHierarchy false: cgroup v2 is always hierarchical")
		case m.KernelTCP != nil && *m.KernelTCP != 0:
			return fmt.Errorf("linux.resources.memory.kernelTCP: cgroup v2 has no TCP buffer limit (it counts in memory.max)")
		}
	}
	if n := r.Network; n != nil {
		if n.ClassID != nil && *n.ClassID != 0 {
			return fmt.Errorf("linux.resources.network.classID: cgroup v2 has no net_cls controller")
		}
		if len(n.Priorities) > 0 {
			return fmt.Errorf("linux.resources.network.priorities: cgroup v2 has no net_prio controller")
		}
	}
	if b := r.BlockIO; b != nil {
		if b.LeafWeight != nil && *b.LeafWeight != 0 {
			return fmt.Errorf("linux.resources.blockIO.leafWeight: cgroup v2 has no leaf weights")
		}
		for _, d := range b.WeightDevice {
			if d.LeafWeight != nil {
				return fmt.Errorf("linux.resources.blockIO.weightDevice.leafWeight: cgroup v2 has no leaf weights")
			}
		}
	}
	return nil
}

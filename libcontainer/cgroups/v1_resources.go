package cgroups

import (
	"fmt"
	"os"
	"path/filepath"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// v1Resources adapts resources to what this v1 host has, before the
// library writes them: engines send zero blkio weights to mean "unset"
// (Docker always does), and a weight on a host whose blkio controller has
// no weight file is an error that says so (v1Fixed), rather than the
// library's "permission denied" on a file it cannot create.
func v1Resources(r *specs.LinuxResources) (*specs.LinuxResources, error) {
	if r == nil {
		return r, nil
	}
	if err := v1Controllers(r); err != nil {
		return nil, err
	}
	if r.BlockIO == nil {
		return r, nil
	}
	if err := checkBlockDevices(r.BlockIO); err != nil {
		return nil, err
	}
	out := *r
	b := *r.BlockIO
	out.BlockIO = &b
	if b.Weight != nil && *b.Weight == 0 {
		b.Weight = nil
	}
	if b.LeafWeight != nil && *b.LeafWeight == 0 {
		b.LeafWeight = nil
	}
	return &out, nil
}

// v1Controllers refuses limits for controllers this host lacks, naming
// them, but only when a limit is really asked for: zero values, which
// engines send for every page size, mean none.
func v1Controllers(r *specs.LinuxResources) error {
	for _, h := range r.HugepageLimits {
		if h.Limit != 0 && !hasV1("hugetlb") {
			return fmt.Errorf("linux.resources.hugepageLimits: this host has no hugetlb cgroup controller")
		}
	}
	if n := r.Network; n != nil {
		if n.ClassID != nil && *n.ClassID != 0 && !hasV1("net_cls") {
			return fmt.Errorf("linux.resources.network.classID: this host has no net_cls cgroup controller")
		}
		if len(n.Priorities) > 0 && !hasV1("net_prio") {
			return fmt.Errorf("linux.resources.network.priorities: this host has no net_prio cgroup controller")
		}
	}
	if len(r.Rdma) > 0 && !hasV1("rdma") {
		return fmt.Errorf("linux.resources.rdma: this host has no rdma cgroup controller")
	}
	return nil
}

// hasV1 says the host mounts a v1 hierarchy with controller, alone or
// co-mounted (net_cls and net_prio usually share one).
func hasV1(controller string) bool {
	dirs := map[string][]string{
		"net_cls":  {"net_cls", "net_cls,net_prio", "net_prio,net_cls"},
		"net_prio": {"net_prio", "net_cls,net_prio", "net_prio,net_cls"},
	}[controller]
	if dirs == nil {
		dirs = []string{controller}
	}
	for _, dir := range dirs {
		if _, err := os.Stat(filepath.Join("/sys/fs/cgroup", dir, "cgroup.procs")); err == nil {
			return true
		}
	}
	return false
}

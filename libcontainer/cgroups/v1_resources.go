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
// no weight file (no BFQ/CFQ scheduler) is an error that says so, rather
// than the library's "permission denied" on a file it cannot create.
func v1Resources(r *specs.LinuxResources) (*specs.LinuxResources, error) {
	if r == nil || r.BlockIO == nil {
		return r, nil
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
	if b.Weight != nil || b.LeafWeight != nil || len(b.WeightDevice) > 0 {
		if !hasBlkioWeight() {
			return nil, fmt.Errorf("linux.resources.blockIO: weights need blkio.weight, which this host's blkio controller does not have (no BFQ or CFQ I/O scheduler)")
		}
	}
	return &out, nil
}

func hasBlkioWeight() bool {
	for _, f := range []string{"blkio.weight", "blkio.bfq.weight"} {
		if _, err := os.Stat(filepath.Join("/sys/fs/cgroup/blkio", f)); err == nil {
			return true
		}
	}
	return false
}

package cgroups

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	cg "github.com/containerd/cgroups/v3"
)

// Prewarm starts, in the background, a no-op migration: it writes our own
// pid into the cgroup we already are in. The kernel's first cgroup
// migration after a quiet spell waits for an RCU grace period (several
// ms here) before it can take the global migration lock; doing one now
// lets that wait overlap with spawning the init and making its cgroup,
// so the real Apply that follows finds the lock fast.
func Prewarm() {
	if os.Geteuid() != 0 {
		return
	}
	p := ownProcsFile()
	if p == "" {
		return
	}
	go func() {
		_ = os.WriteFile(p, []byte(strconv.Itoa(os.Getpid())), 0)
	}()
}

// ownProcsFile is the cgroup.procs of our own cgroup in one hierarchy
// that has no controller limits to re-charge (pids, freezer, or v2).
func ownProcsFile() string {
	f, err := os.Open("/proc/self/cgroup")
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		parts := strings.SplitN(sc.Text(), ":", 3)
		if len(parts) != 3 {
			continue
		}
		switch {
		case parts[1] == "pids" || parts[1] == "freezer":
			return filepath.Join("/sys/fs/cgroup", parts[1], parts[2], "cgroup.procs")
		case parts[0] == "0" && cg.Mode() == cg.Unified:
			return filepath.Join("/sys/fs/cgroup", parts[2], "cgroup.procs")
		}
	}
	return ""
}

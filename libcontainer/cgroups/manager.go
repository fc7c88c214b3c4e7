// Package cgroups places containers in their cgroups and controls them,
// over github.com/containerd/cgroups/v3 (cgroup1 and cgroup2), on v1, v2
// and hybrid hosts.
package cgroups

import (
	"fmt"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	cg "github.com/containerd/cgroups/v3"
	specs "github.com/opencontainers/runtime-spec/specs-go"

	"myrunc/internal/rawfile"
)

// Manager is one container's cgroup.
type Manager interface {
	// Apply moves pid into the cgroup.
	Apply(pid int) error
	// Set writes resource limits.
	Set(r *specs.LinuxResources) error
	// Freeze freezes (true) or thaws (false) every process.
	Freeze(frozen bool) error
	// Pids lists every process in the cgroup and its children.
	Pids() ([]int, error)
	// Stats reads resource usage.
	Stats() (*Stats, error)
	// Destroy removes the cgroup; its processes must be gone.
	Destroy() error
	// Path is the cgroup's path relative to each hierarchy's root.
	Path() string
	// Dirs is what a "cgroup" mount in the container shows.
	Dirs() []Dir
}

// Dir is one hierarchy as the container sees it: Name is the directory
// under /sys/fs/cgroup ("" on a pure v2 host), HostPath the container's
// cgroup in it, Links the other names of a co-mounted hierarchy.
type Dir struct {
	Name     string
	HostPath string
	Links    []string
}

// Path turns config.json's cgroupsPath into a path below the hierarchy
// roots. A relative path is taken from the root too, not from the
// runtime's own cgroup, so containers never nest in the caller's cgroup.
func CleanPath(cgroupsPath, id string) (string, error) {
	if cgroupsPath == "" {
		return "/" + id, nil
	}
	if strings.Count(cgroupsPath, ":") == 2 && !strings.HasPrefix(cgroupsPath, "/") {
		return "", fmt.Errorf("cgroupsPath %q is a systemd slice:prefix:name path, but there is no systemd cgroup manager on this host", cgroupsPath)
	}
	p := path.Clean("/" + cgroupsPath)
	if p == "/" {
		return "", fmt.Errorf("cgroupsPath %q is the root cgroup", cgroupsPath)
	}
	return p, nil
}

// New creates the cgroup at p (from CleanPath) with the given resources.
// An existing cgroup is taken only if it is empty and not frozen
// (checkUnused); one made under a frozen parent is removed again.
func New(p string, r *specs.LinuxResources) (Manager, error) {
	if err := checkUnused(p); err != nil {
		return nil, err
	}
	var m Manager
	var err error
	switch cg.Mode() {
	case cg.Unified:
		m, err = newV2(p, r)
	case cg.Legacy, cg.Hybrid:
		m, err = newV1(p, r, cg.Mode() == cg.Hybrid)
	default:
		return nil, fmt.Errorf("no cgroup filesystem is mounted at /sys/fs/cgroup")
	}
	if err == nil {
		if err = checkNotFrozen(p, p); err != nil {
			m.Destroy()
			m = nil
		}
	}
	return m, err
}

// DirsFor is what Dirs will return for the cgroup at p once New made it,
// known before: the init's mounts need not wait for the cgroup.
func DirsFor(p string) ([]Dir, error) {
	switch cg.Mode() {
	case cg.Unified:
		return []Dir{{HostPath: filepath.Join(v2Root, p)}}, nil
	case cg.Legacy, cg.Hybrid:
		subs, err := v1Hierarchy()
		if err != nil {
			return nil, err
		}
		return dirsOf(subs, p, cg.Mode() == cg.Hybrid), nil
	}
	return nil, fmt.Errorf("no cgroup filesystem is mounted at /sys/fs/cgroup")
}

// Load opens an existing cgroup at p. A cgroup that is already gone
// loads as a manager whose operations find nothing; "" (no cgroup) as None.
func Load(p string) (Manager, error) {
	if p == "" {
		return None{}, nil
	}
	switch cg.Mode() {
	case cg.Unified:
		return loadV2(p)
	case cg.Legacy, cg.Hybrid:
		return loadV1(p, cg.Mode() == cg.Hybrid)
	}
	return nil, fmt.Errorf("no cgroup filesystem is mounted at /sys/fs/cgroup")
}

// Frozen reads the freezer state of the cgroup at p (v1 freezer.state or
// v2 cgroup.freeze) without loading a manager: every status check asks.
// A container without a cgroup ("") is never frozen.
func Frozen(p string) bool {
	if p == "" {
		return false
	}
	if data, err := rawfile.ReadFile(filepath.Join("/sys/fs/cgroup/freezer", p, "freezer.state")); err == nil {
		return string(data) == "FROZEN\n" || string(data) == "FREEZING\n"
	}
	if data, err := rawfile.ReadFile(filepath.Join(v2Root, p, "cgroup.freeze")); err == nil {
		return string(data) == "1\n"
	}
	return false
}

// OOMKills reads how many processes the OOM killer killed in the cgroup
// at p, from that one file (v1 memory.oom_control, v2 memory.events):
// cheaper than Stats when that is all a caller wants.
func OOMKills(p string) (uint64, error) {
	if p == "" {
		return 0, nil
	}
	data, err := rawfile.ReadFile(filepath.Join("/sys/fs/cgroup/memory", p, "memory.oom_control"))
	if err != nil {
		var err2 error
		if data, err2 = rawfile.ReadFile(filepath.Join(v2Root, p, "memory.events")); err2 != nil {
			return 0, err
		}
	}
	return oomKillCount(data)
}

// oomKillCount is the "oom_kill N" line of memory.oom_control or memory.events.
func oomKillCount(data []byte) (uint64, error) {
	for line := range strings.Lines(string(data)) {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "oom_kill "); ok {
			return strconv.ParseUint(v, 10, 64)
		}
	}
	return 0, fmt.Errorf("no oom_kill count in %q", data)
}

package cgroups

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	cg "github.com/containerd/cgroups/v3"
)

// checkUnused refuses a cgroupsPath that names a cgroup in use, before
// anything is written to it: one that has processes belongs to someone
// else (its limits would be changed under it, and delete would kill
// them), and in a frozen one the init would stop at its first step and
// create would wait for it for good.
func checkUnused(p string) error {
	dirs, err := DirsFor(p)
	if err != nil || len(dirs) == 0 {
		return err
	}
	// one stat when the cgroup is new, the common case
	if _, err := os.Stat(dirs[0].HostPath); os.IsNotExist(err) && !anyExists(dirs[1:]) {
		// it would be made frozen under a frozen parent
		return checkNotFrozen(p, existingAncestor(p))
	}
	m, err := Load(p)
	if err != nil {
		return err
	}
	pids, err := m.Pids()
	if err != nil {
		return err
	}
	if len(pids) > 0 {
		return fmt.Errorf("linux.cgroupsPath %s: the cgroup already has %d processes: a container needs a cgroup of its own", p, len(pids))
	}
	return checkNotFrozen(p, p)
}

func anyExists(dirs []Dir) bool {
	for _, d := range dirs {
		if _, err := os.Stat(d.HostPath); err == nil {
			return true
		}
	}
	return false
}

// existingAncestor is the closest cgroup above p that exists (in the
// hierarchy frozenNow reads).
func existingAncestor(p string) string {
	root := "/sys/fs/cgroup/freezer"
	if cg.Mode() == cg.Unified {
		root = v2Root
	}
	for p != "/" && p != "." {
		if _, err := os.Stat(filepath.Join(root, p)); err == nil {
			return p
		}
		p = filepath.Dir(p)
	}
	return p
}

// checkNotFrozen refuses cgroupsPath p when the cgroup at (p itself, or
// the closest existing one above it, under which p would start frozen)
// is frozen.
func checkNotFrozen(p, at string) error {
	if !frozenNow(at) {
		return nil
	}
	if at != p {
		return fmt.Errorf("linux.cgroupsPath %s: the cgroup would be frozen: %s above it is frozen (paused), so the container's init could not run", p, at)
	}
	return fmt.Errorf("linux.cgroupsPath %s: the cgroup is frozen (paused): the container's init could not run", p)
}

// frozenNow reads whether the cgroup's processes are (or would be)
// frozen, the parents' freezing included: v1's freezer.state says so
// for a child of a frozen parent, v2's cgroup.events "frozen" field.
func frozenNow(p string) bool {
	if cg.Mode() == cg.Unified {
		f, err := os.Open(filepath.Join(v2Root, p, "cgroup.events"))
		if err != nil {
			return false
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if sc.Text() == "frozen 1" {
				return true
			}
		}
		return false
	}
	data, err := os.ReadFile(filepath.Join("/sys/fs/cgroup/freezer", p, "freezer.state"))
	return err == nil && !bytes.Equal(bytes.TrimSpace(data), []byte("THAWED"))
}

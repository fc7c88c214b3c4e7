package cgroups

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// enableAlong enables in cgroup.subtree_control of the root and of every
// parent on the way to p (p "/a/b/c": /, /a, /a/b) every controller each
// one has, as runc does. The library enables only the controllers of the
// limits given at create, so a later update or stats of another one would
// find no files. Best effort, one controller a write: a parent with
// processes of its own (EBUSY), one the user may not write (rootless), or
// cpu beside realtime tasks refuses; the library's own enabling of the
// controllers the limits need then reports what matters.
func enableAlong(root, p string) {
	dir := root
	parts := strings.Split(strings.Trim(p, "/"), "/")
	for i := range parts {
		enableAll(dir)
		if i == len(parts)-1 {
			break
		}
		dir = filepath.Join(dir, parts[i])
		if err := os.Mkdir(dir, 0o755); err != nil && !os.IsExist(err) {
			return
		}
	}
}

func enableAll(dir string) {
	have, err := os.ReadFile(filepath.Join(dir, "cgroup.controllers"))
	if err != nil {
		return
	}
	on, _ := os.ReadFile(filepath.Join(dir, "cgroup.subtree_control"))
	enabled := strings.Fields(string(on))
	for _, c := range strings.Fields(string(have)) {
		if !contains(enabled, c) {
			os.WriteFile(filepath.Join(dir, "cgroup.subtree_control"), []byte("+"+c), 0)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// filtersDevices says whether the container's device rules become an eBPF
// program. Loading one needs CAP_SYS_ADMIN (or CAP_BPF) in the host's user
// namespace, which a rootless runtime never has, even on a cgroup
// delegated to it; runc skips devices there too. Nothing is lost: without
// the privilege the container cannot mknod a device either, and device
// nodes bind-mounted into it keep their host permissions.
func filtersDevices(euid int, uidMap []byte) bool {
	return euid == 0 && inInitUserNS(uidMap)
}

// inInitUserNS reads /proc/self/uid_map: the host's user namespace maps
// every id to itself.
func inInitUserNS(uidMap []byte) bool {
	f := strings.Fields(string(bytes.TrimSpace(uidMap)))
	return len(f) == 3 && f[0] == "0" && f[1] == "0" && f[2] == "4294967295"
}

func privilegedDevices() bool {
	uidMap, err := os.ReadFile("/proc/self/uid_map")
	return err == nil && filtersDevices(os.Geteuid(), uidMap)
}

// deviceRules is what the cgroup's device filter gets: nothing when this
// process may not load one.
func deviceRules(rules []specs.LinuxDeviceCgroup, privileged bool) []specs.LinuxDeviceCgroup {
	if !privileged {
		return nil
	}
	return bpfRules(rules)
}

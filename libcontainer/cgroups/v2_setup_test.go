package cgroups

import (
	"os"
	"path/filepath"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func TestFiltersDevicesOnlyWhenPrivileged(t *testing.T) {
	host := []byte("         0          0 4294967295\n")
	mapped := []byte("         0       1000          1\n")
	cases := []struct {
		euid   int
		uidMap []byte
		want   bool
	}{
		{0, host, true},
		{1000, host, false}, // rootless on a delegated cgroup
		{0, mapped, false},  // root of a user namespace
		{0, nil, false},
	}
	for _, c := range cases {
		if got := filtersDevices(c.euid, c.uidMap); got != c.want {
			t.Errorf("filtersDevices(%d, %q) = %v", c.euid, c.uidMap, got)
		}
	}
	rules := []specs.LinuxDeviceCgroup{{Allow: false, Access: "rwm"}}
	if got := deviceRules(rules, false); got != nil {
		t.Errorf("unprivileged: %v", got)
	}
	if got := deviceRules(rules, true); len(got) != 1 || got[0].Type != "a" {
		t.Errorf("privileged: %v", got)
	}
}

func TestEnableAlongMakesTheParentsAndEnablesEachLevel(t *testing.T) {
	root := t.TempDir()
	os.WriteFile(filepath.Join(root, "cgroup.controllers"), []byte("cpu memory\n"), 0o644)
	os.WriteFile(filepath.Join(root, "cgroup.subtree_control"), nil, 0o644)
	enableAlong(root, "/a/b/c")
	for _, d := range []string{"a", "a/b"} {
		if _, err := os.Stat(filepath.Join(root, d)); err != nil {
			t.Errorf("%s not made: %v", d, err)
		}
	}
	if _, err := os.Stat(filepath.Join(root, "a/b/c")); err == nil {
		t.Error("the leaf is the library's to make")
	}
	// a plain file keeps the last write: each controller is its own write
	if got, _ := os.ReadFile(filepath.Join(root, "cgroup.subtree_control")); string(got) != "+memory" {
		t.Errorf("root subtree_control got %q", got)
	}
}

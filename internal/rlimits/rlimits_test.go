package rlimits

import (
	"testing"

	"golang.org/x/sys/unix"
)

func TestResource(t *testing.T) {
	if r, ok := Resource("RLIMIT_NOFILE"); !ok || r != unix.RLIMIT_NOFILE {
		t.Errorf("RLIMIT_NOFILE = %d, %v", r, ok)
	}
	for _, bad := range []string{"", "NOFILE", "rlimit_nofile", "RLIMIT_FLY"} {
		if _, ok := Resource(bad); ok {
			t.Errorf("%q is known", bad)
		}
	}
	// Linux has 16 resources (RLIM_NLIMITS), each named once
	seen := map[int]bool{}
	for _, n := range Names() {
		r, _ := Resource(n)
		if seen[r] {
			t.Errorf("resource %d named twice", r)
		}
		seen[r] = true
	}
	if len(seen) != 16 {
		t.Errorf("%d resources, want 16", len(seen))
	}
}

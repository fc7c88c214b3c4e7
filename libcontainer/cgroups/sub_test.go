package cgroups

import (
	"maps"
	"testing"
)

func TestParseSub(t *testing.T) {
	got, err := ParseSub([]string{"a/b", "cpu,cpuacct:c", "memory:/d/"})
	want := map[string]string{"": "a/b", "cpu": "c", "cpuacct": "c", "memory": "d"}
	if err != nil || !maps.Equal(got, want) {
		t.Fatalf("got %v, %v", got, err)
	}
	for _, bad := range [][]string{{"../x"}, {"memory:"}, {"x", "y"}, {"pids:a", "pids:b"}, {"/"}} {
		if _, err := ParseSub(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestSubFor(t *testing.T) {
	subs := map[string]string{"": "all", "cpu": "c"}
	if s, _ := subFor(Dir{Name: "cpu,cpuacct", Links: []string{"cpu", "cpuacct"}}, subs); s != "c" {
		t.Fatalf("co-mounted cpu: %q", s)
	}
	if s, _ := subFor(Dir{Name: "memory"}, subs); s != "all" {
		t.Fatalf("memory: %q", s)
	}
	if s, ok := subFor(Dir{Name: "pids"}, map[string]string{"memory": "m"}); ok || s != "" {
		t.Fatalf("pids: %q %v", s, ok)
	}
}

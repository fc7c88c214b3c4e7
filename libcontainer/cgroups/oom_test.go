package cgroups

import "testing"

func TestOOMKillCount(t *testing.T) {
	for _, tc := range []struct {
		data string
		want uint64
		ok   bool
	}{
		{"oom_kill_disable 0\nunder_oom 0\noom_kill 3\n", 3, true},               // v1 memory.oom_control
		{"low 0\nhigh 0\nmax 2\noom 1\noom_kill 1\noom_group_kill 0\n", 1, true}, // v2 memory.events
		{"oom_kill_disable 0\nunder_oom 0\n", 0, false},                          // a kernel before 4.13
	} {
		got, err := oomKillCount([]byte(tc.data))
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("%q: got %d, %v; want %d (ok %v)", tc.data, got, err, tc.want, tc.ok)
		}
	}
}

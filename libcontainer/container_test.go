package libcontainer

import (
	"errors"
	"os"
	"testing"
	"time"
)

func TestValidateID(t *testing.T) {
	for _, id := range []string{"a", "web-1", "x.y_z+1", "0123456789abcdef"} {
		if err := ValidateID(id); err != nil {
			t.Errorf("%q rejected: %v", id, err)
		}
	}
	for _, id := range []string{"", ".", "..", "a/b", "../x", "a b", "a\x00b", "ü", string(make([]byte, 1025))} {
		if err := ValidateID(id); !errors.Is(err, ErrInvalidID) {
			t.Errorf("%q accepted", id)
		}
	}
}

func TestStatusTable(t *testing.T) {
	cases := []struct {
		st Status
		op string
		ok bool
	}{
		{Created, "start", true}, {Running, "start", false}, {Stopped, "start", false},
		{Created, "kill", true}, {Running, "kill", true}, {Stopped, "kill", false},
		{Stopped, "delete", true}, {Created, "delete", false}, {Running, "delete", false},
		{Running, "pause", true}, {Paused, "resume", true},
	}
	for _, c := range cases {
		if got := c.st.allows(c.op); got != c.ok {
			t.Errorf("%s allows %s = %v, want %v", c.st, c.op, got, c.ok)
		}
	}
}

func TestStateSaveLoad(t *testing.T) {
	dir := t.TempDir()
	if st, err := loadState(dir); st != nil || err != nil {
		t.Fatalf("no state.json must mean creating: %v %v", st, err)
	}
	in := &State{ID: "c", Pid: 42, Bundle: "/b", InitStartTime: 7, Created: time.Unix(5, 0).UTC(), CgroupPath: "/c"}
	if err := in.save(dir); err != nil {
		t.Fatal(err)
	}
	out, err := loadState(dir)
	if err != nil || out.Pid != 42 || out.CgroupPath != "/c" || !out.Created.Equal(in.Created) {
		t.Fatalf("round trip: %+v %v", out, err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("temp files left behind: %v", entries)
	}
}

func TestProcStatOfSelf(t *testing.T) {
	st, start, err := procStat(os.Getpid())
	if err != nil || start == 0 || (st != 'R' && st != 'S') {
		t.Fatalf("procStat(self) = %c %d %v", st, start, err)
	}
	if !alive(os.Getpid(), start) {
		t.Fatal("self not alive")
	}
	if alive(os.Getpid(), start+1) {
		t.Fatal("a different start time must mean another process")
	}
}

func TestStatusOfMissingInitIsStopped(t *testing.T) {
	c := &Container{id: "x", dir: t.TempDir(), state: &State{Pid: 1 << 30}}
	if s := c.Status(); s != Stopped {
		t.Fatalf("status %s", s)
	}
	c.state = nil
	if s := c.Status(); s != Creating {
		t.Fatalf("no state: status %s", s)
	}
}

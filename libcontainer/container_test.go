package libcontainer

import (
	"errors"
	"os"
	"path/filepath"
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
	if st, err := loadState(dir, "c"); st != nil || err != nil {
		t.Fatalf("no state.json: %v %v", st, err)
	}
	in := &State{ID: "c", Pid: 42, Bundle: "/b", InitStartTime: 7, Created: time.Unix(5, 0).UTC(), CgroupPath: "/c"}
	if err := in.save(dir); err != nil {
		t.Fatal(err)
	}
	out, err := loadState(dir, "c")
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
	if s := c.Status(); s != Stopped {
		t.Fatalf("no state.json (a delete cut short): status %s", s)
	}
}

func TestStatusOfRecordFollowsItsCreator(t *testing.T) {
	me, err := self()
	if err != nil {
		t.Fatal(err)
	}
	c := &Container{id: "x", dir: t.TempDir(), state: &State{Creator: me}}
	if s := c.Status(); s != Creating {
		t.Fatalf("creator alive: status %s", s)
	}
	c.state.Creator = &ProcessID{Pid: me.Pid, StartTime: me.StartTime + 1}
	if s := c.Status(); s != Stopped {
		t.Fatalf("creator gone: status %s", s)
	}
	if st := c.OCIState(); st.Pid != 0 || st.Status != "stopped" {
		t.Fatalf("a container cut short has no pid: %+v", st)
	}
}

func TestMakeStateDir(t *testing.T) {
	root := t.TempDir()
	lock, err := makeStateDir(root, "a", &State{ID: "a", CgroupPath: "/a"})
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Close()
	st, err := loadState(filepath.Join(root, "a"), "a")
	if err != nil || st == nil || st.CgroupPath != "/a" {
		t.Fatalf("record: %+v %v", st, err)
	}
	if _, err := makeStateDir(root, "a", &State{ID: "a"}); !errors.Is(err, ErrExist) {
		t.Fatalf("second create of one id: %v", err)
	}
	if entries, _ := os.ReadDir(root); len(entries) != 1 {
		t.Fatalf("left behind: %v", entries)
	}
}

func TestMakeStateDirTakesOverAnAbandonedOne(t *testing.T) {
	root := t.TempDir()
	// a creator killed between its mkdir and its rename
	if err := os.MkdirAll(filepath.Join(newDirName(root, "a")), 0o700); err != nil {
		t.Fatal(err)
	}
	lock, err := makeStateDir(root, "a", &State{ID: "a"})
	if err != nil {
		t.Fatal(err)
	}
	lock.Close()
	// one held by a live creator is not
	held, err := lockDir(mustMkdir(t, newDirName(root, "b")))
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	if _, err := makeStateDir(root, "b", &State{ID: "b"}); !errors.Is(err, ErrExist) {
		t.Fatalf("create while another create of the id runs: %v", err)
	}
	RemoveAbandoned(root, "b")
	if _, err := os.Stat(newDirName(root, "b")); err != nil {
		t.Fatal("a live creator's directory was removed")
	}
	held.Close()
	RemoveAbandoned(root, "b")
	if _, err := os.Stat(newDirName(root, "b")); !os.IsNotExist(err) {
		t.Fatalf("abandoned directory kept: %v", err)
	}
}

func mustMkdir(t *testing.T, dir string) string {
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestRemoveStateDirKeepsStateForLast(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "c")
	mustMkdir(t, dir)
	for _, f := range []string{stateFile, configFile, gateFile} {
		os.WriteFile(filepath.Join(dir, f), nil, 0o600)
	}
	// a state.json that cannot go (a directory in its place, non-empty)
	// stops the removal with state.json still there
	os.Remove(filepath.Join(dir, stateFile))
	mustMkdir(t, filepath.Join(dir, stateFile))
	os.WriteFile(filepath.Join(dir, stateFile, "x"), nil, 0o600)
	if err := removeStateDir(dir); err == nil {
		t.Fatal("removal of a non-empty state.json succeeded")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 || entries[0].Name() != stateFile {
		t.Fatalf("left: %v", entries)
	}
}

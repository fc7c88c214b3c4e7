package engine

import (
	"os"
	"strings"
	"testing"
	"time"
)

// record makes a container record directly (what Create writes).
func record(t *testing.T, e *Engine, id, name string, st State) *Container {
	t.Helper()
	if err := os.Mkdir(e.ctrDir(id), 0o711); err != nil {
		t.Fatal(err)
	}
	if err := e.reserveName(name, id); err != nil {
		t.Fatal(err)
	}
	c := &Container{ID: id, Name: name, Created: time.Now(), State: st}
	if err := e.saveState(c); err != nil {
		t.Fatal(err)
	}
	if err := e.saveConfig(c); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestNamesAndReferences(t *testing.T) {
	e, err := Open(t.TempDir(), "/run/x")
	if err != nil {
		t.Fatal(err)
	}
	a := strings.Repeat("a", 63) + "1"
	b := strings.Repeat("a", 63) + "2"
	record(t, e, a, "web", State{Status: StatusExited})
	record(t, e, b, "db", State{Status: StatusCreated})
	for ref, want := range map[string]string{"web": a, "/db": b, a: a, b[:63] + "2": b} {
		got, err := e.Resolve(ref)
		if err != nil || got != want {
			t.Errorf("%s: %s %v, want %s", ref, got, err, want)
		}
	}
	if _, err := e.Resolve("aaaa"); err == nil || !strings.Contains(err.Error(), "multiple IDs") {
		t.Errorf("ambiguous prefix: %v", err)
	}
	if _, err := e.Resolve("nope"); !IsNotFound(err) {
		t.Errorf("missing: %v", err)
	}
	if err := e.reserveName("web", b); err == nil || !strings.Contains(err.Error(), "already in use") {
		t.Errorf("taken name: %v", err)
	}
	if err := checkName("bad name"); err == nil {
		t.Error("a space in a name passed")
	}
	// a name whose owner is gone (a crash between the steps of rm) is free
	os.RemoveAll(e.ctrDir(a))
	if err := e.reserveName("web", b); err != nil {
		t.Errorf("stale name: %v", err)
	}
}

func TestStateReadsAndLocks(t *testing.T) {
	e, _ := Open(t.TempDir(), "/run/x")
	id := strings.Repeat("b", 64)
	record(t, e, id, "one", State{Status: StatusCreated})
	h, err := e.lock(id)
	if err != nil {
		t.Fatal(err)
	}
	h.c.State.Status, h.c.State.ExitCode = StatusExited, 3
	h.save()
	got, _ := e.load(id)
	if got.State.Status != StatusExited || got.State.ExitCode != 3 {
		t.Errorf("state %+v", got.State)
	}
	// a second locker waits for the first
	done := make(chan struct{})
	go func() {
		h2, err := e.lock(id)
		if err == nil {
			h2.unlock()
		}
		close(done)
	}()
	select {
	case <-done:
		t.Fatal("two commands held the lock at once")
	case <-time.After(50 * time.Millisecond):
	}
	h.unlock()
	<-done
	// a corrupt state (written by hand) reads as dead, which rm -f handles
	os.WriteFile(e.ctrPath(id, "state.json"), []byte("{"), 0o600)
	got, _ = e.load(id)
	if got.State.Status != StatusDead {
		t.Errorf("corrupt state read as %q", got.State.Status)
	}
}

func TestRunningWithoutMonitorIsReconciled(t *testing.T) {
	e, _ := Open(t.TempDir(), t.TempDir())
	id := strings.Repeat("c", 64)
	record(t, e, id, "gone", State{Status: StatusRunning, Pid: 999999, MonitorPid: 999999})
	c, err := e.Get("gone")
	if err != nil {
		t.Fatal(err)
	}
	if c.State.Status != StatusExited || !strings.Contains(c.State.Error, "monitor (pid 999999) died") {
		t.Errorf("state %+v", c.State)
	}
}

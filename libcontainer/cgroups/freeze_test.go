package cgroups

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// fakeFreezer is a cgroup with a task that never freezes when stuck.
type fakeFreezer struct {
	stuck  bool
	frozen bool // the state asked for
	writes []bool
}

func (f *fakeFreezer) set(frozen bool) error {
	f.frozen = frozen
	f.writes = append(f.writes, frozen)
	return nil
}

func (f *fakeFreezer) reached(frozen bool) (bool, error) {
	if frozen && f.stuck {
		return false, nil
	}
	return f.frozen == frozen, nil
}

func TestFreezeThatCannotFinishIsBoundedAndThawed(t *testing.T) {
	f := &fakeFreezer{stuck: true}
	start := time.Now()
	err := freeze(f, true, 100*time.Millisecond)
	if took := time.Since(start); took > 2*time.Second {
		t.Fatalf("freeze took %s", took)
	}
	if err == nil || !strings.Contains(err.Error(), "did not finish within 100ms") || !strings.Contains(err.Error(), "thawed again") {
		t.Fatalf("err = %v", err)
	}
	if f.frozen || f.writes[len(f.writes)-1] {
		t.Fatalf("left frozen: writes %v", f.writes)
	}
}

func TestFreezeAndThaw(t *testing.T) {
	f := &fakeFreezer{}
	if err := freeze(f, true, time.Second); err != nil || !f.frozen {
		t.Fatalf("freeze: %v, frozen %v", err, f.frozen)
	}
	if err := freeze(f, false, time.Second); err != nil || f.frozen {
		t.Fatalf("thaw: %v, frozen %v", err, f.frozen)
	}
}

func TestFreezerFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("cgroup.events", "populated 1\nfrozen 1\n")
	if ok, err := v2Freezer(dir).reached(true); !ok || err != nil {
		t.Errorf("v2 frozen 1: %v %v", ok, err)
	}
	if ok, _ := v2Freezer(dir).reached(false); ok {
		t.Error("v2 frozen 1 reached thawed")
	}
	write("freezer.state", "FREEZING\n")
	if ok, _ := v1Freezer(dir).reached(true); ok {
		t.Error("v1 FREEZING reached frozen")
	}
	if err := v1Freezer(dir).set(true); err != nil {
		t.Fatal(err)
	}
	if ok, _ := v1Freezer(dir).reached(true); !ok {
		t.Error("v1 FROZEN not reached")
	}
}

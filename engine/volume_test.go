package engine

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// A volume create or rm killed part-way leaves NAME.tmp; volume prune
// removes it (nothing else would: ls skips it, rm cannot name it).
func TestVolumePruneRemovesKilledTemps(t *testing.T) {
	e, err := Open(t.TempDir(), "/run/x")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.VolumeCreate("kept", nil); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"half.tmp", "gone.tmp"} {
		if err := os.MkdirAll(filepath.Join(e.DataRoot, "volumes", name, "_data"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := e.VolumePrune(false); err != nil {
		t.Fatal(err)
	}
	left, _ := filepath.Glob(filepath.Join(e.DataRoot, "volumes", "[^.]*"))
	if len(left) != 1 || filepath.Base(left[0]) != "kept" {
		t.Fatalf("after prune: %v, want only kept", left)
	}
}

// A fill cut short leaves the volume's data directory empty (the copy
// is beside it), so the next fill copies everything again.
func TestFillVolumeAfterAKilledFill(t *testing.T) {
	rootfs, vol := t.TempDir(), t.TempDir()
	for i := range 50 {
		p := filepath.Join(rootfs, "etc", "f"+strconv.Itoa(i))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	data := filepath.Join(vol, "_data")
	// what a killed fill leaves: a part of the copy beside _data
	if err := os.MkdirAll(data+".fill", 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(data+".fill", "f0"), []byte("x"), 0o644)
	if err := os.Mkdir(data, 0o755); err != nil {
		t.Fatal(err)
	}
	if !isEmptyDir(data) {
		t.Fatal("a killed fill must leave _data empty")
	}
	if err := fillVolume(rootfs, "/etc", data); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(data)
	if len(entries) != 50 {
		t.Fatalf("filled %d files, want 50", len(entries))
	}
	if _, err := os.Stat(data + ".fill"); !os.IsNotExist(err) {
		t.Fatalf("the fill's copy is left: %v", err)
	}
}

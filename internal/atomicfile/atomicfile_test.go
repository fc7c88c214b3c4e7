package atomicfile

import (
	"os"
	"path/filepath"
	"testing"
)

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f")
	if err := Write(p, []byte("one"), 0o640); err != nil {
		t.Fatal(err)
	}
	if err := Write(p, []byte("two"), 0o600); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(p)
	st, _ := os.Stat(p)
	entries, _ := os.ReadDir(dir)
	if string(data) != "two" || st.Mode().Perm() != 0o600 || len(entries) != 1 {
		t.Fatalf("content %q mode %v entries %d", data, st.Mode(), len(entries))
	}
	if err := Write(filepath.Join(dir, "no", "such"), nil, 0o600); err == nil {
		t.Fatal("write into a missing directory succeeded")
	}
}

func TestRemoveStale(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"a.json", ".a.json.tmp-123", ".hidden", "b.tmp-1"} {
		if err := os.WriteFile(filepath.Join(dir, name), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	RemoveStale(dir)
	entries, _ := os.ReadDir(dir)
	var left []string
	for _, e := range entries {
		left = append(left, e.Name())
	}
	if len(left) != 3 || left[0] != ".hidden" || left[1] != "a.json" || left[2] != "b.tmp-1" {
		t.Fatalf("left %v, want .hidden a.json b.tmp-1", left)
	}
	RemoveStale(filepath.Join(dir, "missing")) // no directory: nothing to do
}

func TestWriteSweeping(t *testing.T) {
	dir := t.TempDir()
	stale := filepath.Join(dir, ".f.tmp-killed")
	os.WriteFile(stale, []byte("half"), 0o600)
	if err := WriteSweeping(filepath.Join(dir, "f"), []byte("whole"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Fatalf("the killed write's temporary is still there: %v", err)
	}
	if data, _ := os.ReadFile(filepath.Join(dir, "f")); string(data) != "whole" {
		t.Fatalf("content %q", data)
	}
}

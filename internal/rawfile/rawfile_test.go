package rawfile

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

func TestReadFileMatchesOS(t *testing.T) {
	big := bytes.Repeat([]byte("0123456789abcdef"), 1000) // more than one read
	p := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(p, big, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{p, "/proc/self/stat", "/proc/self/mountinfo"} {
		got, err := ReadFile(path)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if path == p && !bytes.Equal(got, big) {
			t.Fatalf("%s: %d bytes, want %d", path, len(got), len(big))
		}
		if len(got) == 0 {
			t.Fatalf("%s: empty", path)
		}
	}
	if _, err := ReadFile(filepath.Join(t.TempDir(), "missing")); !os.IsNotExist(err) {
		t.Fatalf("missing file: %v", err)
	}
	if _, err := ReadFile(t.TempDir()); err == nil {
		t.Fatal("reading a directory succeeded")
	}
}

func TestWritersOpenEachFileOnceAndWriteInOrder(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	for _, p := range []string{a, b} {
		if err := os.WriteFile(p, nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	w := Writers{}
	for _, step := range []struct{ path, data string }{{a, "1"}, {b, "2"}, {a, "3"}} {
		if err := w.Write(step.path, []byte(step.data)); err != nil {
			t.Fatal(err)
		}
	}
	if len(w) != 2 {
		t.Fatalf("%d files open, want 2", len(w))
	}
	w.Close()
	if len(w) != 0 {
		t.Fatalf("%d files left open after Close", len(w))
	}
	for p, want := range map[string]string{a: "13", b: "2"} {
		if got, _ := os.ReadFile(p); string(got) != want {
			t.Fatalf("%s holds %q, want %q", p, got, want)
		}
	}
	missing := filepath.Join(dir, "missing")
	if err := w.Write(missing, []byte("x")); !os.IsNotExist(err) {
		t.Fatalf("writing a missing file: %v, want not-exist", err)
	}
	if _, err := os.Stat(missing); !os.IsNotExist(err) {
		t.Fatal("Write created a missing file")
	}
}

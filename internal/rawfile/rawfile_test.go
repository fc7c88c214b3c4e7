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

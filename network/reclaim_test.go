package network

import (
	"os"
	"path/filepath"
	"testing"
)

func TestReclaimRemovesFilesWithoutARecord(t *testing.T) {
	root := t.TempDir()
	s, err := Open(root)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// "kept" has its record; "orphan" lost it to a release killed before
	// the files went
	if err := s.SaveContainer(&Container{ID: "kept", Mode: NetworkNone}); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"kept", "orphan"} {
		os.MkdirAll(s.filesDir(id), 0o755)
		os.WriteFile(filepath.Join(s.filesDir(id), "hosts"), []byte("127.0.0.1 localhost\n"), 0o644)
	}
	s.reclaim()
	if _, err := os.Stat(s.filesDir("orphan")); err == nil {
		t.Error("the files of a container without a record are still there")
	}
	if _, err := os.Stat(filepath.Join(s.filesDir("kept"), "hosts")); err != nil {
		t.Errorf("the files of a recorded container went: %v", err)
	}
}

package sealedbin

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

func TestCacheWritesOnceAndDropsOtherBuilds(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cache")
	old, err := Cache(dir, "prog-", "aaaa", []byte("old build"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := Cache(dir, "prog-", "bbbb", []byte("new build"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(old); !os.IsNotExist(err) {
		t.Errorf("the other build's file is still there: %v", err)
	}
	st, err := os.Stat(p)
	if err != nil || st.Mode().Perm() != 0o555 {
		t.Fatalf("cached file: %v %v", st, err)
	}
	// a second call keeps the file as it is
	before := st.ModTime()
	if _, err := Cache(dir, "prog-", "bbbb", []byte("new build")); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(p); !st.ModTime().Equal(before) {
		t.Error("the file was written again")
	}
	// a file of the wrong size (torn by hand) is written again
	os.Chmod(p, 0o644)
	os.WriteFile(p, []byte("x"), 0o555)
	if _, err := Cache(dir, "prog-", "bbbb", []byte("new build")); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(p); string(data) != "new build" {
		t.Errorf("content %q", data)
	}
}

func TestSealedAndMemfdAreReadOnly(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("open_tree needs root")
	}
	p, err := Cache(t.TempDir(), "prog-", "cccc", []byte("program"))
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := Seal(p)
	if err != nil {
		t.Fatal(err)
	}
	defer sealed.Close()
	mem, err := Memfd("prog", []byte("program"))
	if err != nil {
		t.Fatal(err)
	}
	defer mem.Close()
	for _, f := range []*os.File{sealed, mem} {
		if w, err := os.OpenFile("/proc/self/fd/"+strconv.Itoa(int(f.Fd())), os.O_WRONLY, 0); err == nil {
			_, err = w.Write([]byte("evil"))
			w.Close()
			if err == nil {
				t.Errorf("%s written to", f.Name())
			}
		}
		data, err := os.ReadFile("/proc/self/fd/" + strconv.Itoa(int(f.Fd())))
		if err != nil || string(data) != "program" {
			t.Errorf("%s reads %q, %v", f.Name(), data, err)
		}
	}
}

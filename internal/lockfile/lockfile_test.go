package lockfile

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"
)

func TestOpen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lock")
	if _, err := Open(path, unix.LOCK_EX, false); !errors.Is(err, os.ErrNotExist) || !IsOpenError(err) {
		t.Fatalf("no file, not created: got %v, want an open error", err)
	}
	held, err := Open(path, unix.LOCK_EX, true)
	if err != nil {
		t.Fatal(err)
	}
	// flock locks belong to the open file: a second open is refused
	_, err = Open(path, unix.LOCK_SH|unix.LOCK_NB, false)
	if !errors.Is(err, unix.EWOULDBLOCK) || IsOpenError(err) {
		t.Fatalf("held lock: got %v, want EWOULDBLOCK from the lock", err)
	}
	held.Close()
	again, err := Open(path, unix.LOCK_EX|unix.LOCK_NB, false)
	if err != nil {
		t.Fatalf("released lock: %v", err)
	}
	again.Close()
	if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("lock file: %v, %v; want mode 0600", st, err)
	}
}

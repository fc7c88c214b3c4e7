package image

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// flock takes a lock on the file at path (made if missing): exclusive or
// shared, waiting or not. It is released by closing the returned file,
// or when the process dies.
func flock(path string, how int) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|os.O_CREATE|unix.O_CLOEXEC, 0o600)
	if err != nil {
		return nil, err
	}
	for {
		err = unix.Flock(int(f.Fd()), how)
		if err != unix.EINTR {
			break
		}
	}
	if err != nil {
		f.Close()
		if errors.Is(err, unix.EWOULDBLOCK) {
			return nil, errBusy
		}
		return nil, os.NewSyscallError("flock "+path, err)
	}
	return f, nil
}

var errBusy = errors.New("store busy")

// lockIndex serializes changes to index.json.
func (s *Store) lockIndex() (*os.File, error) {
	return flock(s.path("lock"), unix.LOCK_EX)
}

// beginOp marks an operation that adds to the store; garbage collection
// waits for every one to end (it would take their new blobs and layers,
// not yet in the index, for garbage).
func (s *Store) beginOp() (*os.File, error) {
	return flock(s.path("gc.lock"), unix.LOCK_SH)
}

// lockLayer makes concurrent pulls of one layer unpack it once.
func (s *Store) lockLayer(hex string) (*os.File, error) {
	return flock(s.path("locks", hex), unix.LOCK_EX)
}

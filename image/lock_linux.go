package image

import (
	"errors"
	"myrunc/internal/lockfile"
	"os"

	"golang.org/x/sys/unix"
)

// flock takes a lock on the file at path (made if missing): exclusive or
// shared, waiting or not. It is released by closing the returned file,
// or when the process dies.
func flock(path string, how int) (*os.File, error) {
	f, err := lockfile.Open(path, how, true)
	switch {
	case err == nil || lockfile.IsOpenError(err):
		return f, err
	case errors.Is(err, unix.EWOULDBLOCK):
		return nil, errBusy
	default:
		return nil, os.NewSyscallError("flock "+path, err)
	}
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

// startOp begins a command that adds to the store: first whatever an
// earlier failed or killed one left goes (unless others are busy), then
// the operation's shared lock (release by closing it).
func (s *Store) startOp() (*os.File, error) {
	s.GC(false)
	return s.beginOp()
}

// endOp releases an operation's lock; after a failure it removes what the
// operation left (unless other commands are busy: the next one does).
func (s *Store) endOp(op *os.File, err error) {
	op.Close()
	if err != nil {
		s.GC(false)
	}
}

// lockLayer makes concurrent pulls of one layer unpack it once.
func (s *Store) lockLayer(hex string) (*os.File, error) {
	return flock(s.path("locks", hex), unix.LOCK_EX)
}

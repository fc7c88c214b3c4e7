// Package lockfile takes flock(2) locks on files, as the engine's, the
// image store's and the network store's locks are: the lock is released
// by closing the file, or when the process dies.
package lockfile

import (
	"os"

	"golang.org/x/sys/unix"

	"myrunc/internal/eintr"
)

// Open opens path (made, mode 0600, when create is set) and takes the
// lock how: unix.LOCK_EX or LOCK_SH, waiting unless LOCK_NB is in how (a
// busy lock is then unix.EWOULDBLOCK). The open's error is an
// *os.PathError; the lock's the bare errno, for the caller to name.
func Open(path string, how int, create bool) (*os.File, error) {
	flags := os.O_RDONLY | unix.O_CLOEXEC
	if create {
		flags |= os.O_CREATE
	}
	f, err := os.OpenFile(path, flags, 0o600)
	if err != nil {
		return nil, err
	}
	if err := eintr.Retry(func() error { return unix.Flock(int(f.Fd()), how) }); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// IsOpenError says whether err is Open's failure to open the file, not to lock it.
func IsOpenError(err error) bool {
	_, ok := err.(*os.PathError)
	return ok
}

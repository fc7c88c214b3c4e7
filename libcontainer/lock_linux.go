package libcontainer

import (
	"os"

	"golang.org/x/sys/unix"

	"myrunc/internal/eintr"
)

// lockDir takes the container's lock: an exclusive flock on its state
// directory, held until unlock. Two commands on one container never
// interleave; the lock dies with the process that holds it.
func lockDir(dir string) (*os.File, error) {
	f, err := os.OpenFile(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	err = eintr.Retry(func() error { return unix.Flock(int(f.Fd()), unix.LOCK_EX) })
	if err != nil {
		f.Close()
		return nil, os.NewSyscallError("flock", err)
	}
	return f, nil
}

package libcontainer

import (
	"os"

	"golang.org/x/sys/unix"
)

// lockDir takes the container's lock: an exclusive flock on its state
// directory, held until unlock. Two commands on one container never
// interleave; the lock dies with the process that holds it.
func lockDir(dir string) (*os.File, error) {
	f, err := os.OpenFile(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	for {
		err = unix.Flock(int(f.Fd()), unix.LOCK_EX)
		if err != unix.EINTR {
			break
		}
	}
	if err != nil {
		f.Close()
		return nil, os.NewSyscallError("flock", err)
	}
	return f, nil
}

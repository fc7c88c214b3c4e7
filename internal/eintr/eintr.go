// Package eintr retries system calls that a signal interrupted. The Go
// runtime's own signals (preemption, SIGCHLD, SIGURG) can land during a
// blocking call that the kernel does not restart (flock, wait4, mount,
// connect, sendmsg with a timeout): EINTR then means "call again".
package eintr

import "golang.org/x/sys/unix"

// Retry calls f until it returns anything but EINTR.
func Retry(f func() error) error {
	for {
		if err := f(); err != unix.EINTR {
			return err
		}
	}
}

// Retry1 is Retry for a call that also returns a value.
func Retry1[T any](f func() (T, error)) (T, error) {
	for {
		v, err := f()
		if err != unix.EINTR {
			return v, err
		}
	}
}

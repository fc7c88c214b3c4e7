package handshake

import (
	"errors"
	"fmt"
	"syscall"
)

// InitError is a failure inside the init, carried to the parent with its
// step, operation, path and errno so that the parent can still match it
// with errors.Is(err, unix.ENOENT).
type InitError struct {
	Step  string `json:"step"`
	Msg   string `json:"msg"`
	Errno int    `json:"errno,omitempty"`
}

func (e *InitError) Error() string {
	if e.Step == "" {
		return e.Msg
	}
	return fmt.Sprintf("init %s: %s", e.Step, e.Msg)
}

// Unwrap lets errors.Is see the errno.
func (e *InitError) Unwrap() error {
	if e.Errno == 0 {
		return nil
	}
	return syscall.Errno(e.Errno)
}

// NewInitError records err as the failure of step.
func NewInitError(step string, err error) *InitError {
	var ie *InitError
	if errors.As(err, &ie) {
		return ie
	}
	e := &InitError{Step: step, Msg: err.Error()}
	var errno syscall.Errno
	if errors.As(err, &errno) {
		e.Errno = int(errno)
	}
	return e
}

// Package libcontainer is the runtime's side of a container: it creates
// one from a validated spec, drives its init through the handshake and
// owns everything that happens to it until delete. It knows nothing of
// the CLI, images or networks.
package libcontainer

import (
	"errors"
	"fmt"
)

// Error categories, to be matched with errors.Is; the wrapping error
// carries the container id and the details.
var (
	ErrNotExist   = errors.New("does not exist")
	ErrExist      = errors.New("already exists")
	ErrInvalidID  = errors.New("invalid container id")
	ErrWrongState = errors.New("wrong state")
	ErrNotRunning = errors.New("container not running")
)

func notExist(id string) error {
	return fmt.Errorf("container %q %w", id, ErrNotExist)
}

// stateError is an operation the container's status does not allow.
type stateError struct {
	op, id string
	status Status
}

func (e *stateError) Error() string {
	return fmt.Sprintf("cannot %s container %q: it is %s", e.op, e.id, e.status)
}

func (e *stateError) Unwrap() error { return ErrWrongState }

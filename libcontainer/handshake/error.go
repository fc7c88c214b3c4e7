package handshake

import (
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"
)

// InitError is a failure inside the init, carried to the parent with its
// step, operation, path and errno so that the parent can still match it
// with errors.Is(err, unix.ENOENT). It is the one shape of every failure
// the init reports: over the handshake socket during create and exec,
// over the start gate at start.
type InitError struct {
	Step  string `json:"step"`
	Msg   string `json:"msg"`
	Op    string `json:"op,omitempty"`
	Path  string `json:"path,omitempty"`
	Errno int    `json:"errno,omitempty"`
	// Plain: Msg already says what failed in the words tools match
	// ("exec /bin/x: exec format error", "error running startContainer
	// hook #0: ..."), so it is shown without the step.
	Plain bool `json:"plain,omitempty"`
}

func (e *InitError) Error() string {
	if e.Step == "" || e.Plain {
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
	var pe *os.PathError
	if errors.As(err, &pe) {
		e.Op, e.Path = pe.Op, pe.Path
	}
	return e
}

// WriteError sends e as one Error frame on w: the start gate, where the
// init reports a failure after Ready.
func WriteError(w io.Writer, e *InitError) error {
	buf, err := encodeFrame(KindError, e)
	if err != nil {
		return err
	}
	_, err = w.Write(buf)
	return err
}

// ReadError decodes what WriteError sent.
func ReadError(data []byte) (*InitError, error) {
	if len(data) < 5 || Kind(data[4]) != KindError || int(data[0])<<24|int(data[1])<<16|int(data[2])<<8|int(data[3]) != len(data)-4 {
		return nil, errors.New("handshake: not an Error frame")
	}
	var e InitError
	if err := decode(KindError, data[5:], &e); err != nil {
		return nil, err
	}
	return &e, nil
}

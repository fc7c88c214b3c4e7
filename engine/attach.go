package engine

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
)

// The attach stream between a foreground CLI and the monitor is a
// socketpair made when the monitor is spawned, carrying frames:
// 1 byte kind, 3 zero bytes, 4 bytes big-endian length, payload.
const (
	frameStdin      = 0 // CLI -> monitor: input
	frameStdout     = 1 // monitor -> CLI
	frameStderr     = 2
	frameResize     = 3 // CLI -> monitor: rows, cols (uint16 each)
	frameSignal     = 4 // CLI -> monitor: signal number (uint32)
	frameStdinClose = 5 // CLI -> monitor: input ended
	frameExit       = 6 // monitor -> CLI: exit code (int32)
)

const maxFrame = 1 << 20

// frameConn reads and writes frames; writes are serialized.
type frameConn struct {
	rw io.ReadWriteCloser
	mu sync.Mutex
}

func (f *frameConn) write(kind byte, payload []byte) error {
	var hdr [8]byte
	hdr[0] = kind
	binary.BigEndian.PutUint32(hdr[4:], uint32(len(payload)))
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, err := f.rw.Write(hdr[:]); err != nil {
		return err
	}
	_, err := f.rw.Write(payload)
	return err
}

func (f *frameConn) read() (byte, []byte, error) {
	var hdr [8]byte
	if _, err := io.ReadFull(f.rw, hdr[:]); err != nil {
		return 0, nil, err
	}
	n := binary.BigEndian.Uint32(hdr[4:])
	if n > maxFrame {
		return 0, nil, fmt.Errorf("attach: frame of %d bytes", n)
	}
	buf := make([]byte, n)
	if _, err := io.ReadFull(f.rw, buf); err != nil {
		return 0, nil, err
	}
	return hdr[0], buf, nil
}

func u32(v uint32) []byte { b := make([]byte, 4); binary.BigEndian.PutUint32(b, v); return b }

// Attached is a foreground CLI's end of the attach stream.
type Attached struct {
	conn *frameConn
}

// SendStdin copies r to the container's stdin, then says it ended.
func (a *Attached) SendStdin(r io.Reader) {
	buf := make([]byte, 32*1024)
	for {
		n, err := r.Read(buf)
		if n > 0 {
			if a.conn.write(frameStdin, buf[:n]) != nil {
				return
			}
		}
		if err != nil {
			a.conn.write(frameStdinClose, nil)
			return
		}
	}
}

// Resize tells the container's pty our terminal's size.
func (a *Attached) Resize(rows, cols uint16) {
	p := make([]byte, 4)
	binary.BigEndian.PutUint16(p, rows)
	binary.BigEndian.PutUint16(p[2:], cols)
	a.conn.write(frameResize, p)
}

// Signal asks the monitor to send sig to the container.
func (a *Attached) Signal(sig int) { a.conn.write(frameSignal, u32(uint32(sig))) }

// ErrDetached: the stream ended without the container's exit code (the
// monitor died).
var ErrDetached = errors.New("the container's monitor went away")

// Copy writes the container's output to stdout and stderr until it
// exits, and returns its exit code. It returns after the monitor is
// done with the container (removed with --rm).
func (a *Attached) Copy(stdout, stderr io.Writer) (int, error) {
	code, got := 0, false
	for {
		kind, p, err := a.conn.read()
		if err != nil {
			if got {
				return code, nil
			}
			return -1, ErrDetached
		}
		switch kind {
		case frameStdout:
			stdout.Write(p)
		case frameStderr:
			stderr.Write(p)
		case frameExit:
			if len(p) == 4 {
				code, got = int(int32(binary.BigEndian.Uint32(p))), true
			}
		}
	}
}

// Close drops the stream.
func (a *Attached) Close() error { return a.conn.rw.Close() }

// newAttached wraps the CLI's end of the pair.
func newAttached(f *os.File) *Attached { return &Attached{conn: &frameConn{rw: f}} }

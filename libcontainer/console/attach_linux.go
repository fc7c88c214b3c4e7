package console

import (
	"io"
	"os"
	"os/signal"
	"sync"

	cc "github.com/containerd/console"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// Terminal is the caller's own terminal (stdin), made raw for a
// container's pty: both `run`/`exec` on a bundle and the engine's
// foreground `container run -t` use it.
type Terminal struct {
	cur  cc.Console
	stop chan struct{}
}

// MakeRaw puts our stdin's terminal in raw mode; ok is false when stdin
// is not a terminal (nothing to do then).
func MakeRaw() (t *Terminal, ok bool, err error) {
	t, ok = stdinTerminal()
	if !ok {
		return nil, false, nil
	}
	if err := t.cur.SetRaw(); err != nil {
		return nil, false, err
	}
	return t, true, nil
}

// stdinTerminal is the terminal on our stdin, as it is; ok is false when
// stdin is not one.
func stdinTerminal() (t *Terminal, ok bool) {
	cur, err := cc.ConsoleFromFile(os.Stdin)
	if err != nil {
		return nil, false
	}
	return &Terminal{cur: cur, stop: make(chan struct{})}, true
}

// Size is our terminal's size (rows, columns).
func (t *Terminal) Size() (uint16, uint16, error) {
	ws, err := t.cur.Size()
	return ws.Height, ws.Width, err
}

// FollowSize calls resize with our size now and after every SIGWINCH,
// until Reset.
func (t *Terminal) FollowSize(resize func(rows, cols uint16)) {
	if r, c, err := t.Size(); err == nil {
		resize(r, c)
	}
	winch := make(chan os.Signal, 1)
	signal.Notify(winch, unix.SIGWINCH)
	go func() {
		defer signal.Stop(winch)
		for {
			select {
			case <-winch:
				if r, c, err := t.Size(); err == nil {
					resize(r, c)
				}
			case <-t.stop:
				return
			}
		}
	}()
}

// Reset restores our terminal's mode.
func (t *Terminal) Reset() {
	select {
	case <-t.stop:
	default:
		close(t.stop)
	}
	t.cur.Reset()
}

// Attach joins the caller's terminal to the container's pty master: our
// terminal goes raw, takes the pty's size and follows it on SIGWINCH,
// input goes to the pty and its output to our stdout. The returned
// function waits until the output has drained (the container's side of
// the pty closed) and restores our terminal.
func Attach(master *os.File) (func(), error) {
	m, err := cc.ConsoleFromFile(master)
	if err != nil {
		return nil, err
	}
	t, isTerm, err := MakeRaw()
	if err != nil {
		return nil, err
	}
	if isTerm {
		t.FollowSize(func(rows, cols uint16) { m.Resize(cc.WinSize{Height: rows, Width: cols}) })
	}
	go io.Copy(m, os.Stdin)
	var out sync.WaitGroup
	out.Add(1)
	go func() {
		defer out.Done()
		// EIO once every slave fd is closed: the container is done
		io.Copy(os.Stdout, m)
	}()
	return func() {
		out.Wait()
		if isTerm {
			t.Reset()
		}
	}, nil
}

// StdinSize is the size of the terminal on our stdin, nil if stdin is not
// one: a pty made for us starts at it, so the first thing its process
// prints is laid out right.
func StdinSize() *specs.Box {
	t, ok := stdinTerminal()
	if !ok {
		return nil
	}
	rows, cols, err := t.Size()
	if err != nil || rows == 0 || cols == 0 {
		return nil
	}
	return &specs.Box{Height: uint(rows), Width: uint(cols)}
}

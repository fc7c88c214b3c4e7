package console

import (
	"io"
	"os"
	"os/signal"
	"sync"

	cc "github.com/containerd/console"
	"golang.org/x/sys/unix"
)

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
	cur, curErr := cc.ConsoleFromFile(os.Stdin)
	if curErr == nil {
		if err := cur.SetRaw(); err != nil {
			return nil, err
		}
		m.ResizeFrom(cur)
		winch := make(chan os.Signal, 1)
		signal.Notify(winch, unix.SIGWINCH)
		go func() {
			for range winch {
				m.ResizeFrom(cur)
			}
		}()
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
		if curErr == nil {
			cur.Reset()
		}
	}, nil
}

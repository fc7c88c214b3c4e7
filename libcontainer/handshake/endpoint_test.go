package handshake

import (
	"bytes"
	"errors"
	"io"
	"myrunc/internal/trace"
	"os"
	"sync"
	"syscall"
	"testing"
)

func pair(t *testing.T) (*Parent, *Child) {
	t.Helper()
	p, cf, err := Pair()
	if err != nil {
		t.Fatal(err)
	}
	c := NewChild(cf)
	t.Cleanup(func() { p.Close(); c.Close() })
	return p, c
}

// pipe is a pipe closed at the test's end (a test may close w sooner).
func pipe(t *testing.T) (r, w *os.File) {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close(); w.Close() })
	return r, w
}

// sameFile checks that got, received for a pipe's write end, is it:
// what is written to it comes out of r.
func sameFile(t *testing.T, got, r *os.File) {
	t.Helper()
	if _, err := got.Write([]byte("ok")); err != nil {
		t.Fatalf("the descriptor is not the one sent: %v", err)
	}
	buf := make([]byte, 2)
	if _, err := io.ReadFull(r, buf); err != nil || string(buf) != "ok" {
		t.Fatalf("read %q, %v", buf, err)
	}
}

func TestFullExchange(t *testing.T) {
	p, c := pair(t)
	done := make(chan error, 1)
	go func() {
		cfg, err := c.RecvConfig()
		if err == nil && cfg.ID != "ctr" {
			err = errors.New("wrong id " + cfg.ID)
		}
		if err == nil {
			err = c.RequestHooks()
		}
		if err == nil {
			err = c.WaitCgroup()
		}
		if err == nil {
			err = c.Ready(&Ready{Steps: []trace.Event{{Name: "mounts", At: 5}}})
		}
		done <- err
	}()
	if err := p.SendConfig(&Config{ID: "ctr"}); err != nil {
		t.Fatal(err)
	}
	m, err := p.Next()
	if _, ok := m.(*HooksRequest); !ok || err != nil {
		t.Fatalf("want HooksRequest, got %T %v", m, err)
	}
	// CgroupReady may overtake HooksDone; the child must take both
	if err := p.CgroupReady(); err != nil {
		t.Fatal(err)
	}
	if err := p.AckHooks(); err != nil {
		t.Fatal(err)
	}
	m, err = p.Next()
	r, ok := m.(*Ready)
	if !ok || err != nil || len(r.Steps) != 1 || r.Steps[0].Name != "mounts" {
		t.Fatalf("want Ready, got %#v %v", m, err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestInitErrorKeepsErrno(t *testing.T) {
	p, c := pair(t)
	go func() {
		c.RecvConfig()
		c.Fail(NewInitError("mounts", &wrapErr{syscall.ENOENT}))
	}()
	p.SendConfig(&Config{})
	_, err := p.Next()
	if !errors.Is(err, syscall.ENOENT) {
		t.Fatalf("errno lost: %v", err)
	}
	var ie *InitError
	if !errors.As(err, &ie) || ie.Step != "mounts" {
		t.Fatalf("step lost: %v", err)
	}
}

type wrapErr struct{ e error }

func (w *wrapErr) Error() string { return "mount /x: " + w.e.Error() }
func (w *wrapErr) Unwrap() error { return w.e }

func TestOutOfOrderIsAnError(t *testing.T) {
	p, c := pair(t)
	// the child's goroutines end before the cleanup closes its end, which
	// they read and write without a lock
	var child sync.WaitGroup
	defer child.Wait()
	defer p.Close() // the child's blocked read ends
	child.Go(func() {
		c.RecvConfig()
		c.RequestHooks() // parent never answers; a second request is out of order
	})
	p.SendConfig(&Config{})
	if _, err := p.Next(); err != nil {
		t.Fatal(err)
	}
	// A second HooksRequest (or Ready) before AckHooks must be rejected.
	child.Go(func() { c.c.send(KindHooksRequest, HooksRequest{}) })
	if _, err := p.Next(); err == nil {
		t.Fatal("out-of-order message accepted")
	}
	if err := (&Parent{c: p.c}).AckHooks(); err == nil {
		t.Fatal("AckHooks without a request accepted")
	}
}

func TestEarlyExitIsReadable(t *testing.T) {
	p, c := pair(t)
	p.SendConfig(&Config{})
	c.Close()
	_, err := p.Next()
	if err == nil || err.Error() != "container init exited before it was ready" {
		t.Fatalf("got %v", err)
	}
}

func TestWaitExec(t *testing.T) {
	p, c := pair(t)
	go func() {
		c.RecvConfig()
		c.Ready(&Ready{})
		c.Close() // execve closed it
	}()
	p.SendConfig(&Config{Exec: true})
	if _, err := p.Next(); err != nil {
		t.Fatal(err)
	}
	if err := p.WaitExec(); err != nil {
		t.Fatalf("exec success read as %v", err)
	}
	p2, c2 := pair(t)
	go func() {
		c2.RecvConfig()
		c2.Ready(&Ready{})
		c2.Fail(&InitError{Step: "exec", Msg: "exec format error", Errno: int(syscall.ENOEXEC)})
	}()
	p2.SendConfig(&Config{Exec: true})
	p2.Next()
	if err := p2.WaitExec(); !errors.Is(err, syscall.ENOEXEC) {
		t.Fatalf("exec failure lost: %v", err)
	}
}

func TestFramesCarryFiles(t *testing.T) {
	p, c := pair(t)
	r, w := pipe(t)
	errc := make(chan error, 1)
	go func() { errc <- p.c.sendFiles(KindConfig, &Config{ID: "x"}, []*os.File{w}) }()
	k, body, files, err := c.c.recvFiles()
	if err != nil || k != KindConfig || len(files) != 1 {
		t.Fatalf("got %s %q %d files, %v", k, body, len(files), err)
	}
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	defer files[0].Close()
	sameFile(t, files[0], r)
	// a frame without files after one with them
	go func() { errc <- p.c.send(KindConfig, &Config{ID: "y"}) }()
	if _, _, files, err := c.c.recvFiles(); err != nil || len(files) != 0 {
		t.Fatalf("second frame: %d files, %v", len(files), err)
	}
	<-errc
}

func TestSeccompFd(t *testing.T) {
	p, c := pair(t)
	r, w := pipe(t)
	errc := make(chan error, 1)
	go func() {
		_, err := c.RecvConfig()
		if err == nil {
			err = c.SendSeccompFd(w)
		}
		w.Close()
		if err == nil {
			err = c.Ready(&Ready{})
		}
		errc <- err
	}()
	p.SendConfig(&Config{})
	m, err := p.Next()
	sf, ok := m.(*SeccompFd)
	if !ok || err != nil || sf.File == nil {
		t.Fatalf("want SeccompFd, got %#v %v", m, err)
	}
	sameFile(t, sf.File, r)
	sf.File.Close()
	if m, err := p.Next(); err != nil {
		t.Fatal(err)
	} else if _, ok := m.(*Ready); !ok {
		t.Fatalf("want Ready, got %T", m)
	}
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
}

func TestSeccompFdOutOfOrder(t *testing.T) {
	p, c := pair(t)
	_, w := pipe(t)
	go func() {
		c.RecvConfig()
		c.SendSeccompFd(w)
		c.SendSeccompFd(w) // one filter, one listener
		c.c.send(KindSeccompFd, SeccompFd{})
	}()
	p.SendConfig(&Config{})
	if m, err := p.Next(); err != nil {
		t.Fatal(err)
	} else {
		m.(*SeccompFd).File.Close()
	}
	if _, err := p.Next(); err == nil || err.Error() != "handshake: unexpected SeccompFd from init" {
		t.Fatalf("second SeccompFd: %v", err)
	}
	// and without a descriptor it is an error, not a nil File
	p2, c2 := pair(t)
	go func() {
		c2.RecvConfig()
		c2.c.send(KindSeccompFd, SeccompFd{})
	}()
	p2.SendConfig(&Config{})
	if m, err := p2.Next(); err == nil {
		t.Fatalf("SeccompFd without a descriptor accepted: %#v", m)
	}
}

func TestConfigCarriesMountFiles(t *testing.T) {
	p, c := pair(t)
	r, w := pipe(t)
	errc := make(chan error, 1)
	go func() { errc <- p.SendConfig(&Config{ID: "x", MountFiles: []*os.File{w}}) }()
	cfg, err := c.RecvConfig()
	if err != nil || cfg.ID != "x" || len(cfg.MountFiles) != 1 {
		t.Fatalf("got %+v, %v", cfg, err)
	}
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	defer cfg.MountFiles[0].Close()
	sameFile(t, cfg.MountFiles[0], r)
}

func TestErrorFrameOnTheGate(t *testing.T) {
	var buf bytes.Buffer
	in := NewInitError("exec", &os.PathError{Op: "exec", Path: "/bin/x", Err: syscall.ENOEXEC})
	in.Plain = true
	if err := WriteError(&buf, in); err != nil {
		t.Fatal(err)
	}
	out, err := ReadError(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if out.Error() != "exec /bin/x: exec format error" || out.Op != "exec" || out.Path != "/bin/x" || !errors.Is(out, syscall.ENOEXEC) {
		t.Fatalf("got %+v (%v)", out, out)
	}
	if _, err := ReadError([]byte("plain text from an older init")); err == nil {
		t.Fatal("text taken for a frame")
	}
}

func TestCommitFollowsReady(t *testing.T) {
	p, c := pair(t)
	if err := p.Commit(); err == nil {
		t.Fatal("Commit before Ready was sent")
	}
	done := make(chan error, 1)
	go func() {
		if _, err := c.RecvConfig(); err != nil {
			done <- err
			return
		}
		if err := c.Ready(&Ready{}); err != nil {
			done <- err
			return
		}
		done <- c.AwaitCommit()
	}()
	if err := p.SendConfig(&Config{ID: "ctr"}); err != nil {
		t.Fatal(err)
	}
	if m, err := p.Next(); err != nil {
		t.Fatalf("want Ready, got %T %v", m, err)
	}
	if err := p.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatalf("child: %v", err)
	}
}

// An init whose creator dies between Ready and Commit learns it, rather
// than wait at the start gate for a start no one can send.
func TestAwaitCommitOfADeadParent(t *testing.T) {
	p, c := pair(t)
	p.Close()
	if err := c.AwaitCommit(); err == nil || !errors.Is(err, errCreatorGone) {
		t.Fatalf("AwaitCommit after the parent closed: %v", err)
	}
}

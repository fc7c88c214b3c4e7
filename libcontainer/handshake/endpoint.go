package handshake

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// Pair makes the socketpair: the parent keeps the first end, the init gets
// the second as SyncFd.
func Pair() (parent *Parent, child *os.File, err error) {
	fds, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, nil, os.NewSyscallError("socketpair", err)
	}
	return NewParent(os.NewFile(uintptr(fds[0]), "sync-parent")), os.NewFile(uintptr(fds[1]), "sync-child"), nil
}

// Parent is the runtime's end. Its methods are the only messages a
// runtime may send; Next enforces what the init may send back.
type Parent struct {
	c       conn
	allowed []Kind
	ready   bool // Ready arrived: only Commit may follow
	// sends come from two goroutines: the handshake loop and the one
	// that joins the cgroup
	sendMu sync.Mutex
}

// NewParent wraps an open socket.
func NewParent(f *os.File) *Parent {
	return &Parent{c: conn{f}}
}

// SendConfig starts the protocol.
func (p *Parent) SendConfig(cfg *Config) error {
	if p.allowed != nil {
		return errors.New("handshake: Config sent twice")
	}
	if len(cfg.MountFiles) > maxFrameFiles {
		return fmt.Errorf("handshake: %d bind mounts to pass to the init (idmapped, or in a user namespace), at most %d can be", len(cfg.MountFiles), maxFrameFiles)
	}
	p.allowed = []Kind{KindHooksRequest, KindSeccompFd, KindReady, KindError}
	p.sendMu.Lock()
	defer p.sendMu.Unlock()
	return p.c.sendFiles(KindConfig, cfg, cfg.MountFiles)
}

func (p *Parent) send(k Kind, v any) error {
	p.sendMu.Lock()
	defer p.sendMu.Unlock()
	return p.c.send(k, v)
}

// CgroupReady tells the init it has joined its cgroup. It may be sent at
// any time after SendConfig, from any goroutine.
func (p *Parent) CgroupReady() error {
	return p.send(KindCgroupReady, struct{}{})
}

// Next returns the next message from the init: *HooksRequest, *SeccompFd
// (the caller owns its File) or *Ready. An Error message is returned as an
// *InitError error; the init closing the socket early is an error that
// says so.
func (p *Parent) Next() (any, error) {
	k, body, files, err := p.c.recvFiles()
	if k != KindSeccompFd || err != nil || !slices.Contains(p.allowed, k) {
		closeAll(files) // only SeccompFd carries one
		files = nil
	}
	if err != nil {
		// ECONNRESET: the init died with our Config still unread.
		if errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET) {
			return nil, errors.New("container init exited before it was ready")
		}
		return nil, err
	}
	if !slices.Contains(p.allowed, k) {
		return nil, fmt.Errorf("handshake: unexpected %s from init", k)
	}
	switch k {
	case KindHooksRequest:
		p.allowed = []Kind{KindError}
		return &HooksRequest{}, nil
	case KindSeccompFd:
		// one filter per init, loaded after the hooks ran
		p.allowed = []Kind{KindReady, KindError}
		if len(files) != 1 {
			closeAll(files)
			return nil, fmt.Errorf("handshake: SeccompFd carries %d descriptors, want 1", len(files))
		}
		return &SeccompFd{File: files[0]}, nil
	case KindReady:
		p.allowed, p.ready = nil, true
		var r Ready
		return &r, decode(k, body, &r)
	default: // KindError
		var ie InitError
		if err := decode(k, body, &ie); err != nil {
			return nil, err
		}
		return nil, &ie
	}
}

// WaitExec follows Ready for an exec'd process: nil once it ran execve
// (the socket closes on exec), the init's error if execve failed.
func (p *Parent) WaitExec() error {
	k, body, err := p.c.recv()
	if errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET) {
		return nil
	}
	if err != nil {
		return err
	}
	if k != KindError {
		return fmt.Errorf("handshake: unexpected %s after Ready", k)
	}
	var ie InitError
	if err := decode(k, body, &ie); err != nil {
		return err
	}
	return &ie
}

// Commit follows Ready in create: the container is on record, so the
// init may go on to wait for start. An init that reads EOF instead knows
// its creator died before that, and exits rather than wait for a start
// that no one can send.
func (p *Parent) Commit() error {
	if !p.ready {
		return errors.New("handshake: Commit before Ready")
	}
	return p.send(KindCommit, struct{}{})
}

// AckHooks answers a HooksRequest.
func (p *Parent) AckHooks() error {
	if !slices.Equal(p.allowed, []Kind{KindError}) {
		return errors.New("handshake: HooksDone without a HooksRequest")
	}
	p.allowed = []Kind{KindSeccompFd, KindReady, KindError}
	return p.send(KindHooksDone, HooksDone{})
}

// SetRecvTimeout bounds every later wait for the init's next message: a
// wait that runs out fails with an error that wraps unix.EAGAIN.
func (p *Parent) SetRecvTimeout(d time.Duration) error {
	tv := unix.NsecToTimeval(d.Nanoseconds())
	err := unix.SetsockoptTimeval(int(p.c.f.Fd()), unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv)
	return os.NewSyscallError("setsockopt(SO_RCVTIMEO)", err)
}

// Close closes the parent's end.
func (p *Parent) Close() error { return p.c.f.Close() }

// Child is the init's end.
type Child struct {
	c conn
	// cgroupReady: CgroupReady arrived (it may overtake HooksDone).
	cgroupReady bool
}

// NewChild wraps the inherited socket.
func NewChild(f *os.File) *Child { return &Child{c: conn{f}} }

// RecvConfig reads the first message and the files it carries.
func (c *Child) RecvConfig() (*Config, error) {
	k, body, files, err := c.c.recvFiles()
	if err != nil {
		return nil, fmt.Errorf("handshake: waiting for config: %w", err)
	}
	if k != KindConfig {
		closeAll(files)
		return nil, fmt.Errorf("handshake: expected Config, got %s", k)
	}
	var cfg Config
	if err := decode(k, body, &cfg); err != nil {
		closeAll(files)
		return nil, err
	}
	cfg.MountFiles = files
	return &cfg, nil
}

// RequestHooks asks the parent to run its hooks and blocks until it did.
func (c *Child) RequestHooks() error {
	if err := c.c.send(KindHooksRequest, HooksRequest{}); err != nil {
		return err
	}
	return c.await(KindHooksDone, "hooks")
}

// WaitCgroup blocks until the parent has put the init in its cgroup.
func (c *Child) WaitCgroup() error {
	if c.cgroupReady {
		return nil
	}
	return c.await(KindCgroupReady, "the cgroup")
}

// await reads until want arrives; CgroupReady is the one message that may
// come in between.
func (c *Child) await(want Kind, what string) error {
	for {
		k, _, err := c.c.recv()
		if err != nil {
			return fmt.Errorf("handshake: waiting for %s: %w", what, err)
		}
		if k == KindCgroupReady && !c.cgroupReady {
			c.cgroupReady = true
			if want == KindCgroupReady {
				return nil
			}
			continue
		}
		if k != want {
			return fmt.Errorf("handshake: expected %s, got %s", want, k)
		}
		return nil
	}
}

// MoveAbove moves the socket to a descriptor >= min, close-on-exec, so
// that fds can be laid out below it (preserved fds go to 3 and up).
func (c *Child) MoveAbove(min int) error {
	// F_DUPFD_CLOEXEC picks the lowest free fd >= min
	nfd, _, errno := syscall.Syscall(syscall.SYS_FCNTL, c.c.f.Fd(), unix.F_DUPFD_CLOEXEC, uintptr(min))
	if errno != 0 {
		return os.NewSyscallError("fcntl(F_DUPFD_CLOEXEC)", errno)
	}
	c.c.f.Close()
	c.c.f = os.NewFile(nfd, "sync")
	return nil
}

// SendSeccompFd hands the notify listener to the parent, and waits for no
// answer: the filter is already in place, and a notified syscall of ours
// would wait for an agent that only gets the listener from the parent.
func (c *Child) SendSeccompFd(f *os.File) error {
	return c.c.sendFiles(KindSeccompFd, SeccompFd{}, []*os.File{f})
}

// SeccompFdFrame is the SeccompFd frame and the socket to send it on,
// for an init that must send the listener with a raw sendmsg right after
// loading the filter (seccomp.LoadAndSend): the frame is built before.
func (c *Child) SeccompFdFrame() (sock int, frame []byte, err error) {
	frame, err = encodeFrame(KindSeccompFd, SeccompFd{})
	return int(c.c.f.Fd()), frame, err
}

// Ready tells the parent the init waits for start.
func (c *Child) Ready(r *Ready) error { return c.c.send(KindReady, r) }

var errCreatorGone = errors.New("the runtime that created the container exited before it was recorded")

// AwaitCommit follows Ready in create: nil once the parent has put the
// container on record, an error if it is gone before it did.
func (c *Child) AwaitCommit() error {
	k, _, err := c.c.recv()
	if errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET) {
		return errCreatorGone
	}
	if err != nil {
		return fmt.Errorf("handshake: waiting for commit: %w", err)
	}
	if k != KindCommit {
		return fmt.Errorf("handshake: expected Commit, got %s", k)
	}
	return nil
}

// Fail reports the init's failure; the init exits afterwards.
func (c *Child) Fail(e *InitError) error { return c.c.send(KindError, e) }

// Close closes the init's end.
func (c *Child) Close() error { return c.c.f.Close() }

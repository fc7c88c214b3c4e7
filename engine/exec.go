package engine

import (
	"fmt"
	"os"
	"os/signal"
	"slices"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"myrunc/internal/signals"
	"myrunc/libcontainer"
	"myrunc/libcontainer/console"
	"myrunc/spec"
)

// ExecOptions are `container exec`'s flags.
type ExecOptions struct {
	Cmd         []string
	Detach      bool
	Interactive bool
	Tty         bool
	Env         []string
	User        string
	Workdir     string
}

// Exec runs a command in a running container, attached to our stdio
// (a pty with -t), and returns its exit code; with Detach it returns
// once the command started.
func (e *Engine) Exec(ref string, o ExecOptions) (int, error) {
	c, err := e.Get(ref)
	if err != nil {
		return -1, err
	}
	switch c.State.Status {
	case StatusRunning:
	case StatusPaused:
		return -1, fmt.Errorf("container %s is paused, unpause the container before exec", c.ID)
	default:
		return -1, fmt.Errorf("container %s is not running", c.ID)
	}
	ct := runtimeContainer(c)
	if ct == nil {
		return -1, fmt.Errorf("container %s is not running", c.ID)
	}
	s, err := ct.Config()
	if err != nil {
		return -1, err
	}
	p := *s.Process
	p.Args = slices.Clone(o.Cmd)
	p.Terminal = o.Tty && !o.Detach
	p.ConsoleSize = nil
	if p.Terminal {
		p.ConsoleSize = console.StdinSize()
	}
	if err := spec.Apply(&specs.Spec{Process: &p}, spec.WithEnv(o.Env...)); err != nil {
		return -1, err
	}
	if o.Tty {
		spec.Apply(&specs.Spec{Process: &p}, spec.WithDefaultEnv("TERM", "xterm"))
	}
	if o.Workdir != "" {
		p.Cwd = o.Workdir
	}
	if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
		return -1, os.NewSyscallError("prctl(PR_SET_CHILD_SUBREAPER)", err)
	}
	opts := &libcontainer.ExecOpts{Process: &p, AttachConsole: p.Terminal, User: o.User}
	null, err := os.OpenFile(os.DevNull, os.O_RDWR, 0)
	if err != nil {
		return -1, err
	}
	defer null.Close()
	if o.Detach {
		opts.Stdin, opts.Stdout, opts.Stderr = null, null, null
	} else if !o.Interactive {
		opts.Stdin = null
	}
	var sigs chan os.Signal
	if !o.Detach && !p.Terminal {
		sigs = make(chan os.Signal, 16)
		signal.Notify(sigs, signals.Forwarded...)
		defer signal.Stop(sigs)
	}
	proc, err := ct.Exec(opts)
	if err != nil {
		return -1, startError(fmt.Errorf("OCI runtime exec failed: %w", err))
	}
	if o.Detach {
		return 0, nil
	}
	detach := func() {}
	if proc.Console != nil {
		if detach, err = console.Attach(proc.Console); err != nil {
			return -1, err
		}
	}
	if sigs != nil {
		go func() {
			for s := range sigs {
				unix.Kill(proc.Pid, s.(unix.Signal))
			}
		}()
	}
	code, err := proc.Wait()
	detach()
	return code, err
}

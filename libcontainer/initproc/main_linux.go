// Package initproc is the container's side of create: `myrunc init` runs
// here, in the new namespaces, receives its Config over the handshake
// socket, turns itself into the container step by step and execs the
// user process. It never imports the runtime side (libcontainer).
package initproc

import (
	"errors"
	"fmt"
	"os"
	"runtime"

	"golang.org/x/sys/unix"

	"myrunc/internal/trace"
	"myrunc/libcontainer/handshake"
	"myrunc/libcontainer/hooks"
	// its constructor joins namespaces before the Go runtime starts
	_ "myrunc/libcontainer/nsenter"
)

// The main goroutine runs package init on the main thread; locked there,
// Main and its steps run on the thread-group leader, whose death (a
// seccomp filter killing the thread that loaded it) the runtime can see.
func init() {
	if len(os.Args) > 1 && os.Args[1] == "init" {
		runtime.LockOSThread()
	}
}

// Main is `myrunc init`. It returns only if the init could not even reach
// its parent; otherwise it execs or exits.
func Main() {
	// Capabilities, no_new_privs and seccomp are per thread: every step
	// and the final execve must run on this one.
	runtime.LockOSThread()
	started := trace.Now()
	child := handshake.NewChild(os.NewFile(handshake.SyncFd, "sync"))
	cfg, err := child.RecvConfig()
	if err != nil {
		fmt.Fprintln(os.Stderr, "myrunc init:", err)
		os.Exit(1)
	}
	if cfg.ExeFd > 0 {
		unix.Close(cfg.ExeFd)
	}
	s := &initState{cfg: cfg, spec: cfg.Spec, child: child,
		timings: []trace.Event{{Name: "main", At: started}}}
	before, after := beforeReady, afterReady
	if cfg.Exec {
		before, after = execBeforeReady, execAfterReady
	}
	name, err := s.runSteps(before)
	if err != nil {
		child.Fail(initError(name, err))
		os.Exit(1)
	}
	name, err = s.runSteps(after)
	switch {
	case cfg.Exec:
		// `exec` still listens: the socket only closes at a good execve
		child.Fail(initError(name, err))
	case s.gate != nil:
		// the parent is gone: tell the `start` that opened the gate
		handshake.WriteError(s.gate, initError(name, err))
	default:
		fmt.Fprintf(os.Stderr, "myrunc init: %s: %v\n", name, err)
	}
	os.Exit(exitCodeFor(err))
}

// initError is how every failure of the init reaches the runtime. A
// hook's failure and a failed execve already say what failed, in the
// words tools match (runc's): they are shown as they are.
func initError(step string, err error) *handshake.InitError {
	e := handshake.NewInitError(step, err)
	var he *hooks.Error
	var pe *os.PathError
	var xe *ExecError
	e.Plain = errors.As(err, &he) || errors.As(err, &xe) || (errors.As(err, &pe) && pe.Op == "exec")
	return e
}

type initState struct {
	cfg      *handshake.Config
	spec     *specsSpec
	child    *handshake.Child
	execPath string
	timings  []trace.Event
	warnings []string
	gate     *os.File // the connection from `start`
	fdDir    *os.File // see keepFdDir
	cwdDone  bool     // the cwd was entered while privileged
}

func (s *initState) warn(format string, args ...any) {
	s.warnings = append(s.warnings, fmt.Sprintf(format, args...))
}

type step struct {
	name string
	fn   func(*initState) error
}

// runSteps runs steps in order and returns the failing step's name.
func (s *initState) runSteps(steps []step) (string, error) {
	for _, st := range steps {
		if err := st.fn(s); err != nil {
			return st.name, err
		}
		s.timings = append(s.timings, trace.Event{Name: st.name, At: trace.Now()})
		trace.Fault(trace.InitFaultPrefix + st.name)
	}
	return "", nil
}

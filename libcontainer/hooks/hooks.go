// Package hooks runs OCI hooks: the state on stdin, the hook's own args and
// env, and its timeout. When each kind runs is decided by the callers: the
// runtime (prestart, createRuntime, poststart, poststop) and the init
// (createContainer, startContainer).
package hooks

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"syscall"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// Kind names a hook list in config.json.
type Kind string

const (
	Prestart        Kind = "prestart"
	CreateRuntime   Kind = "createRuntime"
	CreateContainer Kind = "createContainer"
	StartContainer  Kind = "startContainer"
	Poststart       Kind = "poststart"
	Poststop        Kind = "poststop"
)

// List returns the hooks of kind k in h (nil-safe).
func List(h *specs.Hooks, k Kind) []specs.Hook {
	if h == nil {
		return nil
	}
	switch k {
	case Prestart:
		return h.Prestart //nolint:staticcheck // deprecated in the spec, still run
	case CreateRuntime:
		return h.CreateRuntime
	case CreateContainer:
		return h.CreateContainer
	case StartContainer:
		return h.StartContainer
	case Poststart:
		return h.Poststart
	case Poststop:
		return h.Poststop
	}
	return nil
}

// Error is a failed hook.
type Error struct {
	Kind  Kind
	Index int
	Path  string
	Err   error
	// Stderr is what the hook printed, for the message.
	Stderr string
}

// Error reads as runc's ("error running prestart hook #0: ..."), which
// tools match.
func (e *Error) Error() string {
	msg := fmt.Sprintf("error running %s hook #%d: %s: %v", e.Kind, e.Index, e.Path, e.Err)
	if s := strings.TrimSpace(e.Stderr); s != "" {
		msg += ": " + s
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// Builtin, when set, may run a hook in this process instead of exec'ing
// it, and says whether it did. main sets it for hooks that are this very
// binary's own subcommands (the network hooks), saving a process per hook;
// libcontainer knows nothing of what they do. A hook it does not take is
// exec'd as usual.
var Builtin func(h specs.Hook, state *specs.State) (handled bool, err error)

// Run runs every hook of kind k in order with state on stdin. It stops at
// the first failure, except for poststart and poststop hooks: their
// failures are only warnings and the rest still run (runtime-spec), so
// all failures come back joined.
func Run(h *specs.Hooks, k Kind, state *specs.State) error {
	list := List(h, k)
	if len(list) == 0 {
		return nil
	}
	st, err := json.Marshal(state)
	if err != nil {
		return err
	}
	keepGoing := k == Poststart || k == Poststop
	var errs []error
	for i, hook := range list {
		if err := runHook(hook, state, st); err != nil {
			var he *Error
			if errors.As(err, &he) {
				he.Kind, he.Index = k, i
			}
			if !keepGoing {
				return err
			}
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func runHook(h specs.Hook, state *specs.State, encoded []byte) error {
	if Builtin != nil {
		if handled, err := Builtin(h, state); handled {
			if err != nil {
				return &Error{Path: h.Path, Err: err}
			}
			return nil
		}
	}
	return runOne(h, encoded)
}

func runOne(h specs.Hook, state []byte) error {
	ctx := context.Background()
	if h.Timeout != nil {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, time.Duration(*h.Timeout)*time.Second)
		defer cancel()
	}
	cmd := exec.CommandContext(ctx, h.Path)
	if len(h.Args) > 0 {
		cmd.Args = h.Args
	}
	// the hook gets exactly the env it was given, not the runtime's
	cmd.Env = h.Env
	if cmd.Env == nil {
		cmd.Env = []string{}
	}
	cmd.Stdin = bytes.NewReader(state)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	// a hook that forks a daemon keeping our pipe open must not hang us
	cmd.WaitDelay = time.Second
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGKILL) }
	err := cmd.Run()
	if err == nil {
		return nil
	}
	if ctx.Err() == context.DeadlineExceeded {
		err = fmt.Errorf("timed out after %ds", *h.Timeout)
	}
	return &Error{Path: h.Path, Err: err, Stderr: tail(out.String(), 1024)}
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

package engine

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"golang.org/x/sys/unix"

	"myrunc/image"
	"myrunc/internal/trace"
	"myrunc/libcontainer"
	"myrunc/libcontainer/console"
	"myrunc/spec"
)

// RunOptions is a foreground `container run --rm`.
type RunOptions struct {
	Overrides
	Image     string
	DataRoot  string // --data-root: images, and the bundle under containers/ID
	StateRoot string // --root: the runtime's container state
}

// ExitError carries the code `container run` exits with when the
// engine, not the container, failed: 125, 126 (not executable) or 127
// (not found), as Docker's.
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string { return e.Err.Error() }
func (e *ExitError) Unwrap() error { return e.Err }

// Run makes a container from an image, runs it in the foreground with our
// stdio, waits for it and removes it with its root filesystem and bundle.
// It returns the container's exit code.
func Run(o RunOptions) (int, error) {
	store, err := image.Open(o.DataRoot)
	if err != nil {
		return 0, &ExitError{125, err}
	}
	img, err := store.Get(o.Image)
	trace.Mark("image found")
	if err != nil {
		return 0, &ExitError{125, fmt.Errorf("Unable to find image '%s' locally: %w", o.Image, err)}
	}
	id := newID()
	bundle := filepath.Join(store.Root(), "..", "containers", id)
	rootfs := filepath.Join(bundle, "rootfs")
	if err := os.MkdirAll(rootfs, 0o755); err != nil {
		return 0, &ExitError{125, err}
	}
	defer os.RemoveAll(bundle)
	if err := store.MountRootfs(id, img, rootfs); err != nil {
		return 0, &ExitError{125, err}
	}
	trace.Mark("rootfs mounted")
	defer func() {
		store.UnmountRootfs(id, rootfs)
		trace.Mark("rootfs unmounted")
	}()
	s := spec.Default()
	opts, err := SpecOpts(id, o.Image, img, rootfs, o.Overrides)
	if err == nil {
		err = spec.Apply(s, opts...)
	}
	if err == nil {
		err = spec.Validate(s)
	}
	if err == nil {
		err = spec.WriteCompact(bundle, s)
	}
	if err != nil {
		return 0, &ExitError{125, err}
	}
	trace.Mark("bundle written")
	return runContainer(o.StateRoot, id, bundle, s)
}

func runContainer(stateRoot, id, bundle string, s *specs.Spec) (int, error) {
	// an init forked by nsenter is our grandchild: adopt it to wait for it
	if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
		return 0, &ExitError{125, os.NewSyscallError("prctl(PR_SET_CHILD_SUBREAPER)", err)}
	}
	sigs := make(chan os.Signal, 16)
	signal.Notify(sigs, forwarded...)
	defer signal.Stop(sigs)
	ct, err := libcontainer.Create(stateRoot, id, &libcontainer.CreateOpts{Bundle: bundle, Spec: s, AttachConsole: s.Process.Terminal})
	if err != nil {
		return 0, startError(err)
	}
	defer ct.Delete(true)
	if m := ct.Console(); m != nil {
		detach, err := console.Attach(m)
		if err != nil {
			return 0, &ExitError{125, err}
		}
		defer detach()
	}
	if err := ct.Start(); err != nil {
		return 0, startError(err)
	}
	go func() {
		for sig := range sigs {
			unix.Kill(ct.InitPid(), sig.(unix.Signal))
		}
	}()
	trace.Mark("started")
	code, err := ct.Wait()
	trace.Mark("container exited")
	if err != nil {
		return 0, &ExitError{125, err}
	}
	return code, nil
}

// startError maps a failed create or start to Docker's exit codes by the
// words the runtime keeps in its messages.
func startError(err error) error {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "executable file not found"), strings.Contains(msg, "no such file or directory"):
		return &ExitError{127, err}
	case strings.Contains(msg, "permission denied"):
		return &ExitError{126, err}
	}
	return &ExitError{125, err}
}

// newID is a Docker-style container ID: 64 random hex digits.
func newID() string {
	b := make([]byte, 32)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// forwarded are the signals a foreground run passes to the container.
var forwarded = []os.Signal{unix.SIGHUP, unix.SIGINT, unix.SIGQUIT, unix.SIGUSR1, unix.SIGUSR2,
	unix.SIGTERM, unix.SIGCONT}

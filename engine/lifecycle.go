package engine

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"myrunc/image"
	"myrunc/internal/lockfile"
	"myrunc/internal/trace"
	"myrunc/libcontainer"
	"myrunc/network"
)

// Create makes a container record from an image and the flags: the
// container is "created", with nothing running and nothing mounted.
func (e *Engine) Create(o *Options) (_ *Container, err error) {
	store, err := image.Open(e.DataRoot)
	if err != nil {
		return nil, &ExitError{125, err}
	}
	img, err := store.Get(o.Image)
	if err != nil {
		if errors.Is(err, image.ErrNotFound) {
			return nil, &ExitError{125, fmt.Errorf("Unable to find image '%s' locally (pull or load it first): %w", o.Image, err)}
		}
		return nil, &ExitError{125, err}
	}
	trace.Mark("image found")
	id := newID()
	c, err := buildRecord(o, img, id)
	if err != nil {
		return nil, &ExitError{125, err}
	}
	c.RuntimeRoot = e.RuntimeRoot
	// the directory first (it marks the name's owner as being created),
	// the name, then the record, whose presence makes the container exist
	if err := os.Mkdir(e.ctrDir(id), 0o711); err != nil {
		return nil, &ExitError{125, err}
	}
	defer func() {
		if err != nil {
			os.RemoveAll(e.ctrDir(id))
		}
	}()
	if c.Name == "" {
		err = e.reserveRandomName(c)
	} else {
		err = e.reserveName(c.Name, id)
	}
	if err != nil {
		return nil, &ExitError{125, err}
	}
	defer func() {
		if err != nil {
			e.releaseName(c.Name, id)
		}
	}()
	if err = e.prepareVolumes(c); err != nil {
		return nil, &ExitError{125, err}
	}
	c.State = State{Status: StatusCreated}
	if err = e.saveState(c); err != nil {
		return nil, &ExitError{125, err}
	}
	if err = e.saveConfig(c); err != nil {
		return nil, &ExitError{125, err}
	}
	trace.Mark("record written")
	return c, nil
}

func (e *Engine) reserveRandomName(c *Container) error {
	var err error
	for try := 0; try < 10; try++ {
		c.Name = randomName(try)
		if err = e.reserveName(c.Name, c.ID); err == nil {
			return nil
		}
	}
	return err
}

// Start starts a created or exited container through a new monitor and
// returns once it runs. With attach, the returned stream carries its
// output, and its exit code at the end.
func (e *Engine) Start(ref string, attach bool) (*Container, *Attached, error) {
	return e.start(ref, attach, nil)
}

// TTYSize is a terminal's size.
type TTYSize struct{ Rows, Cols uint16 }

// StartTTY starts a container attached, its pty sized as the caller's
// terminal before its process runs (a resize after the start races with
// the first thing the process prints).
func (e *Engine) StartTTY(ref string, size TTYSize) (*Container, *Attached, error) {
	return e.start(ref, true, &size)
}

func (e *Engine) start(ref string, attach bool, size *TTYSize) (*Container, *Attached, error) {
	h, err := e.lockRef(ref)
	if err != nil {
		return nil, nil, err
	}
	defer h.unlock()
	c := h.c
	switch {
	case c.State.Status == StatusPaused:
		return nil, nil, &ExitError{1, fmt.Errorf("cannot start a paused container, try unpause instead")}
	case c.State.Running():
		return c, nil, nil
	case c.State.Status == statusRemoving || c.State.Status == StatusDead || c.State.RemovalRequested:
		return nil, nil, &ExitError{1, fmt.Errorf("container %s is marked for removal and cannot be started", c.Name)}
	}
	// a container just created has nothing to reset: no write
	if st := &c.State; st.ManuallyStopped || st.RestartCount != 0 {
		st.ManuallyStopped, st.RestartCount = false, 0
		if err := h.save(); err != nil {
			return nil, nil, err
		}
	}
	pid, a, err := e.spawnMonitor(c, attach, size)
	if err != nil {
		return nil, nil, err
	}
	// what the monitor recorded, without reading it back
	c.State.Status, c.State.Pid = StatusRunning, pid
	return c, a, nil
}

// spawnMonitor starts `myrunc container monitor ID` in its own session
// and waits for its word that the container runs: its init's pid.
func (e *Engine) spawnMonitor(c *Container, attach bool, size *TTYSize) (int, *Attached, error) {
	// this program itself (the engine program, wherever it runs from);
	// it inherits MYRUNC_SELF_EXE, the user's myrunc, for what it writes
	const exe = "/proc/self/exe"
	statusR, statusW, err := os.Pipe()
	if err != nil {
		return 0, nil, err
	}
	defer statusR.Close()
	logf, err := os.OpenFile(e.ctrPath(c.ID, "monitor.log"), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		statusW.Close()
		return 0, nil, err
	}
	defer logf.Close()
	args := []string{"myrunc", "--root", c.RuntimeRoot, "--data-root", e.DataRoot}
	if trace.Enabled() {
		args = append(args, "--trace")
	}
	args = append(args, "container", "monitor")
	cmd := &exec.Cmd{Path: exe, Args: args, Stdout: logf, Stderr: logf,
		ExtraFiles: []*os.File{statusW}, SysProcAttr: &syscall.SysProcAttr{Setsid: true}}
	var mine *os.File
	if attach {
		fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			statusW.Close()
			return 0, nil, os.NewSyscallError("socketpair", err)
		}
		mine = os.NewFile(uintptr(fds[0]), "attach")
		theirs := os.NewFile(uintptr(fds[1]), "attach")
		defer theirs.Close()
		cmd.ExtraFiles = append(cmd.ExtraFiles, theirs)
		cmd.Args = append(cmd.Args, "--attach")
	}
	if size != nil {
		cmd.Args = append(cmd.Args, "--tty-size", fmt.Sprintf("%dx%d", size.Rows, size.Cols))
	}
	cmd.Args = append(cmd.Args, c.ID)
	err = cmd.Start()
	statusW.Close()
	if err != nil {
		if mine != nil {
			mine.Close()
		}
		return 0, nil, err
	}
	trace.Mark("monitor spawned")
	go cmd.Wait() // reaped while we live; after, init adopts it
	line, rerr := bufio.NewReader(statusR).ReadBytes('\n')
	var msg monitorMsg
	if rerr != nil || json.Unmarshal(line, &msg) != nil {
		if mine != nil {
			mine.Close()
		}
		return 0, nil, &ExitError{125, fmt.Errorf("the container's monitor ended before starting it: %s", tail(e.ctrPath(c.ID, "monitor.log")))}
	}
	if msg.Error != "" {
		if mine != nil {
			mine.Close()
		}
		return 0, nil, &ExitError{msg.Code, errors.New(msg.Error)}
	}
	trace.Mark("container running")
	if mine == nil {
		return msg.Pid, nil, nil
	}
	return msg.Pid, newAttached(mine), nil
}

// tail is the last line of a file, for errors.
func tail(path string) string {
	data, _ := os.ReadFile(path)
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	return lines[len(lines)-1]
}

// DefaultStopTimeout is stop's -t default, as Docker's.
const DefaultStopTimeout = 10

// Stop sends the stop signal (the image's StopSignal, TERM, or signal),
// waits timeout seconds (-1: the default 10), then kills.
func (e *Engine) Stop(ref string, timeout int, signal ...string) error {
	h, err := e.lockRef(ref)
	if err != nil {
		return err
	}
	c := h.c
	if !c.State.Running() {
		h.unlock()
		return nil
	}
	c.State.ManuallyStopped = true
	h.save()
	want := orDefault(c.Config.StopSignal, "SIGTERM")
	if len(signal) > 0 && signal[0] != "" {
		want = signal[0]
	}
	sig, err := ParseSignal(want)
	if err != nil {
		h.unlock()
		return err
	}
	if c.State.Status == StatusPaused {
		sig = unix.SIGKILL // a frozen process cannot act on a signal
	}
	if ct := runtimeContainer(c); ct != nil {
		ct.Signal(sig, false)
	}
	h.unlock()
	if timeout < 0 {
		timeout = DefaultStopTimeout
	}
	if e.waitExit(c, time.Duration(timeout)*time.Second) {
		return nil
	}
	if err := e.signal(c.ID, unix.SIGKILL, true); err != nil && !IsNotFound(err) {
		return err
	}
	if !e.waitExit(c, 30*time.Second) {
		return fmt.Errorf("container %s did not stop after SIGKILL", c.Name)
	}
	return nil
}

// waitExit waits until the container has stopped for good (stop and
// kill mark it manually stopped, so its restart policy lets it end).
func (e *Engine) waitExit(c *Container, d time.Duration) bool {
	end := time.Now().Add(d)
	sleep := 2 * time.Millisecond
	for {
		cur, err := e.Get(c.ID)
		if err != nil || !cur.State.Running() {
			return true
		}
		if time.Now().After(end) {
			return false
		}
		time.Sleep(sleep)
		sleep = min(2*sleep, 50*time.Millisecond)
	}
}

// signal sends sig to the container (all its processes with all).
func (e *Engine) signal(id string, sig unix.Signal, all bool) error {
	h, err := e.lock(id)
	if err != nil {
		return err
	}
	defer h.unlock()
	ct := runtimeContainer(h.c)
	if ct == nil || !h.c.State.Running() {
		return fmt.Errorf("container %s is not running", h.c.ID)
	}
	return ct.Signal(sig, all)
}

// Kill sends a signal (KILL by default) to the container's init.
func (e *Engine) Kill(ref, signal string) error {
	sig, err := ParseSignal(orDefault(signal, "KILL"))
	if err != nil {
		return err
	}
	h, err := e.lockRef(ref)
	if err != nil {
		return err
	}
	defer h.unlock()
	c := h.c
	if c.State.Status != StatusRunning && c.State.Status != StatusPaused {
		return fmt.Errorf("cannot kill container: %s: container %s is not running", ref, c.ID)
	}
	stopSig, _ := ParseSignal(orDefault(c.Config.StopSignal, "SIGTERM"))
	if sig == unix.SIGKILL || sig == stopSig {
		c.State.ManuallyStopped = true
		h.save()
	}
	ct := runtimeContainer(c)
	if ct == nil {
		return fmt.Errorf("cannot kill container: %s: container %s is not running", ref, c.ID)
	}
	return ct.Signal(sig, false)
}

// Restart stops (if running) and starts the container.
func (e *Engine) Restart(ref string, timeout int) error {
	if err := e.Stop(ref, timeout); err != nil {
		return err
	}
	_, _, err := e.Start(ref, false)
	return err
}

// Pause freezes the container's processes.
func (e *Engine) Pause(ref string) error { return e.setPaused(ref, true) }

// Unpause thaws them.
func (e *Engine) Unpause(ref string) error { return e.setPaused(ref, false) }

func (e *Engine) setPaused(ref string, pause bool) error {
	h, err := e.lockRef(ref)
	if err != nil {
		return err
	}
	defer h.unlock()
	c := h.c
	switch {
	case pause && c.State.Status == StatusPaused:
		return fmt.Errorf("container %s is already paused", c.ID)
	case pause && c.State.Status != StatusRunning:
		return fmt.Errorf("container %s is not running", c.ID)
	case !pause && c.State.Status != StatusPaused:
		return fmt.Errorf("container %s is not paused", c.ID)
	}
	ct := runtimeContainer(c)
	if ct == nil {
		return fmt.Errorf("container %s is not running", c.ID)
	}
	if pause {
		err = ct.Pause()
		c.State.Status = StatusPaused
	} else {
		err = ct.Resume()
		c.State.Status = StatusRunning
	}
	if err != nil {
		return err
	}
	return h.save()
}

// Wait blocks until the container stops and returns its exit code.
func (e *Engine) Wait(ref string) (int, error) {
	c, err := e.Get(ref)
	if err != nil {
		return -1, err
	}
	sleep := 5 * time.Millisecond
	for {
		cur, err := e.Get(c.ID)
		if err != nil {
			return -1, err
		}
		st := cur.State
		if st.Status == StatusExited || st.Status == StatusDead ||
			(c.State.Running() && st.Generation != c.State.Generation && st.Status != StatusRestarting) ||
			(st.Status == StatusRestarting && st.FinishedAt.After(c.State.StartedAt)) {
			return st.ExitCode, nil
		}
		time.Sleep(sleep)
		sleep = min(2*sleep, 100*time.Millisecond)
	}
}

// Rename gives a container a new name.
func (e *Engine) Rename(ref, name string) error {
	h, err := e.lockRef(ref)
	if err != nil {
		return err
	}
	defer h.unlock()
	c := h.c
	if c.Name == name {
		return fmt.Errorf("Renaming a container with the same name as its current name")
	}
	if err := e.reserveName(name, c.ID); err != nil {
		return err
	}
	old := c.Name
	c.Name = name
	if err := e.saveConfig(c); err != nil {
		e.releaseName(name, c.ID)
		return err
	}
	e.releaseName(old, c.ID)
	// peers on user networks know it by name
	return network.Rename(e.DataRoot, c.ID, name)
}

// Remove removes a container: with force a running one is killed first;
// with volumes its anonymous volumes go too.
func (e *Engine) Remove(ref string, force, volumes bool) error {
	h, err := e.lockRef(ref)
	if err != nil {
		return err
	}
	if !h.c.State.Running() && e.monitorAlive(h.c.ID) {
		// a monitor finishing (or one still starting it): give it a moment
		id := h.c.ID
		h.unlock()
		e.waitMonitorGone(id, 2*time.Second)
		if h, err = e.lock(id); err != nil {
			return err
		}
	}
	// a monitor still starting it (its starter was killed) counts as running
	if h.c.State.Running() || e.monitorAlive(h.c.ID) {
		if !force {
			h.unlock()
			what := "running"
			if h.c.State.Status == StatusPaused {
				what = "paused"
			}
			return fmt.Errorf("cannot remove container \"/%s\": container is %s: stop the container before removing or force remove", h.c.Name, what)
		}
		// the monitor sees the exit first: it tears the container down and
		// removes it itself, in one go; we wait for it to let go
		st := &h.c.State
		st.ManuallyStopped, st.RemovalRequested, st.RemoveVolumes = true, true, volumes
		h.save()
		if ct := runtimeContainer(h.c); ct != nil {
			// the init of its pid namespace takes every other process
			// with it; the runtime signals each one itself without one
			ct.Signal(unix.SIGKILL, false)
		}
		id := h.c.ID
		h.unlock()
		trace.Mark("killed")
		if !e.waitMonitorGone(id, 30*time.Second) {
			return fmt.Errorf("container %s: its monitor did not end after SIGKILL", id)
		}
		trace.Mark("monitor gone")
		if h, err = e.lock(id); err != nil {
			if IsNotFound(err) {
				return nil // the monitor removed it
			}
			return err
		}
		if h.c.State.Running() {
			h.unlock()
			return fmt.Errorf("container %s was started again while being removed", id)
		}
	}
	defer h.unlock()
	return h.remove(volumes)
}

// waitMonitorGone waits until the container's monitor has let go of its
// lock (it ended, or finished with the container), at most d: a blocking
// flock is the notification, no polling.
func (e *Engine) waitMonitorGone(id string, d time.Duration) bool {
	done := make(chan struct{})
	go func() {
		defer close(done)
		// the lock file goes with the container: gone means done too
		if f, err := lockfile.Open(e.ctrPath(id, "monitor.lock"), unix.LOCK_EX, false); err == nil {
			f.Close()
		}
	}()
	select {
	case <-done:
		return true
	case <-time.After(d):
		// the goroutine stays blocked in flock: harmless, this command
		// ends soon, and should it get the lock it lets go at once
		return false
	}
}

// remove deletes a stopped container under its lock: whatever of it the
// runtime still has, its network, writable layer, record, name and
// (with volumes) anonymous volumes. Each step may be redone after a crash.
func (h *handle) remove(volumes bool) error {
	e, c := h.e, h.c
	c.State.Status = statusRemoving
	h.save()
	if ct := runtimeContainer(c); ct != nil {
		if err := ct.Delete(true); err != nil {
			return err
		}
	}
	e.unprepare(c)
	trace.Mark("network released")
	return h.removeRecord(volumes, true)
}

// removeRecord removes what is left of a container torn down (nothing
// runs, nothing mounted, no network): with layer its writable layer,
// then its record and name, and with volumes its anonymous volumes.
func (h *handle) removeRecord(volumes, layer bool) error {
	e, c := h.e, h.c
	if layer {
		if store, err := image.Open(e.DataRoot); err == nil {
			if err := store.UnmountRootfs(c.ID, ""); err != nil {
				return err
			}
		}
		trace.Mark("writable layer removed")
	}
	gone := filepath.Join(e.dir, ".rm-"+c.ID)
	if err := os.Rename(e.ctrDir(c.ID), gone); err != nil {
		return err
	}
	e.releaseName(c.Name, c.ID)
	os.RemoveAll(gone)
	trace.Mark("record removed")
	if volumes {
		e.removeVolumesOf(c, true)
	}
	return nil
}

// reconcile puts right a container whose monitor died: what still runs
// of it is killed and cleaned up, and it is recorded as exited.
func (h *handle) reconcile() {
	c := h.c
	code := 255
	if ct := runtimeContainer(c); ct != nil {
		if ct.Status() != libcontainer.Stopped {
			code = 137
		}
		ct.Delete(true)
	}
	h.e.unprepare(c)
	st := &c.State
	st.Error = fmt.Sprintf("the container's monitor (pid %d) died; the container was stopped", st.MonitorPid)
	st.Status, st.ExitCode, st.Pid, st.MonitorPid = StatusExited, code, 0, 0
	st.FinishedAt = time.Now().UTC()
	h.save()
	// a removal asked for (--rm, or an rm -f whose monitor died) is finished
	if remove, volumes := c.removal(); remove {
		h.remove(volumes)
	}
}

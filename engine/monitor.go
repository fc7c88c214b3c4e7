package engine

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/signal"
	"slices"
	"sync"
	"time"

	"github.com/containerd/console"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"myrunc/image"
	"myrunc/internal/lockfile"
	"myrunc/internal/trace"
	"myrunc/libcontainer"
	"myrunc/libcontainer/cgroups"
	"myrunc/network"
)

// monitorMsg is what the monitor tells the command that spawned it, once:
// the container runs, or why it could not be started.
type monitorMsg struct {
	Pid   int    `json:"pid,omitempty"`
	Error string `json:"error,omitempty"`
	Code  int    `json:"code,omitempty"`
}

// monitor looks after one container from start to exit: it is the
// subreaper parent of the container's init, holds its stdio, writes the
// log, records the exit, applies the restart policy and cleans up.
type monitor struct {
	e      *Engine
	c      *Container
	status *os.File // to the starter, until the first run is up
	lock   *os.File // monitor.lock: held while we look after the container
	attach *frameConn
	log    *logWriter
	size   *TTYSize // the pty's size before the start, if the starter has a terminal
	// rootfsRef keeps a detached root filesystem alive until the CLI is told
	rootfsRef *os.File

	mu      sync.Mutex
	stdin   io.WriteCloser // the container's stdin (pipe or pty master)
	console console.Console
	ct      *libcontainer.Container
	spec    *specs.Spec
}

// Monitor is `myrunc container monitor ID`, spawned by start with the
// status pipe at fd 3 and, for a foreground run, the attach stream at
// fd 4. It returns when the container has stopped for good.
func (e *Engine) Monitor(id string, status, attach *os.File, size *TTYSize) error {
	lock, err := lockfile.Open(e.ctrPath(id, "monitor.lock"), unix.LOCK_EX|unix.LOCK_NB, true)
	if err != nil {
		report(status, monitorMsg{Error: "container " + id + " already has a monitor", Code: 125})
		return err
	}
	defer lock.Close()
	// the container's init, forked by nsenter, becomes our child
	if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
		report(status, monitorMsg{Error: "prctl(PR_SET_CHILD_SUBREAPER): " + err.Error(), Code: 125})
		return err
	}
	signal.Ignore(unix.SIGHUP, unix.SIGINT, unix.SIGPIPE, unix.SIGTTOU, unix.SIGTTIN)
	c, err := e.load(id)
	if err != nil {
		report(status, monitorMsg{Error: err.Error(), Code: 125})
		return err
	}
	m := &monitor{e: e, c: c, status: status, lock: lock, size: size}
	if attach != nil {
		m.attach = &frameConn{rw: attach}
		go m.readAttach()
	}
	if m.log, err = openLog(e.LogPath(id)); err != nil {
		report(status, monitorMsg{Error: err.Error(), Code: 125})
		return err
	}
	defer m.log.Close()
	m.run()
	return nil
}

func report(f *os.File, msg monitorMsg) {
	if f == nil {
		return
	}
	data, _ := json.Marshal(msg)
	f.Write(append(data, '\n'))
	f.Close()
}

// run sets the container up, runs it (again, as its restart policy
// says), then tears it down.
func (m *monitor) run() {
	e, c := m.e, m.c
	code, err := m.setup()
	if err != nil {
		m.failStart(code, err)
		return
	}
	backoff := 100 * time.Millisecond
	var ct *libcontainer.Container // the last run's, deleted by finish
	for first := true; ; first = false {
		started := time.Now()
		var code int
		var oom bool
		code, oom, ct, err = m.runOnce(first)
		if err != nil && first {
			m.teardown(nil, false)
			m.failStart(code, err)
			return
		}
		h, lerr := e.lock(c.ID)
		if lerr != nil { // removed under us: nothing left to record
			m.teardown(ct, false)
			m.sendExit(code)
			return
		}
		m.c = h.c
		st := &h.c.State
		st.ExitCode, st.OOMKilled, st.Pid, st.FinishedAt = code, oom, 0, time.Now().UTC()
		if err != nil {
			st.Error = err.Error()
		}
		restart := shouldRestart(h.c.HostConfig.RestartPolicy, *st, code)
		if time.Since(started) > 10*time.Second {
			backoff = 100 * time.Millisecond
		}
		if !restart {
			h.save()
			h.unlock()
			break
		}
		st.Status = StatusRestarting
		st.RestartCount++
		h.save()
		h.unlock()
		// the network stays for the next run (its Attach detaches it)
		deleteRun(ct)
		ct = nil
		if !m.sleepUnlessStopped(backoff) {
			break
		}
		backoff = min(2*backoff, time.Minute)
	}
	m.finish(ct)
}

// deleteRun deletes a run's runtime container (cgroups, state), if any.
func deleteRun(ct *libcontainer.Container) {
	if ct != nil {
		ct.Delete(true)
		trace.Mark("runtime deleted")
	}
}

// setup mounts the root filesystem and writes the bundle.
func (m *monitor) setup() (int, error) {
	s, err := m.e.prepareBundle(m.c)
	if err != nil {
		code := 125
		var ee *ExitError
		if errors.As(err, &ee) {
			code = ee.Code
		}
		return code, err
	}
	// the bundle keeps the network's hooks (it runs under any runtime, and
	// the network store knows it by them); the monitor attaches and
	// detaches in-process instead, sparing two runs of this binary
	m.spec = withoutNetworkHooks(s)
	trace.Mark("bundle written")
	return 0, nil
}

// failStart records a start that failed and tells the starter why.
func (m *monitor) failStart(code int, err error) {
	m.e.unprepare(m.c)
	// the starter holds the lock: write the state under it
	c := m.c
	c.State.ExitCode, c.State.Error, c.State.Pid = code, err.Error(), 0
	if c.State.Running() {
		c.State.Status = StatusExited
	}
	m.e.saveState(c)
	report(m.status, monitorMsg{Error: err.Error(), Code: code})
	m.status = nil
	m.sendExit(code)
}

// runIO is one run's stdio: pipes (or the pty master) pumped into the
// log and the attached CLI.
type runIO struct {
	m                        *monitor
	pumps                    sync.WaitGroup
	closeAfterStart, readers []*os.File
	splitters                []*lineSplitter
}

// newRunIO makes the run's pipes and sets them in opts (a tty gets its
// pty from the runtime instead; see addConsole).
func (m *monitor) newRunIO(opts *libcontainer.CreateOpts) (*runIO, error) {
	io := &runIO{m: m}
	if m.c.Config.Tty {
		return io, nil
	}
	for i, stream := range []string{"stdout", "stderr"} {
		r, w, err := os.Pipe()
		if err != nil {
			io.close()
			return nil, err
		}
		if i == 0 {
			opts.Stdout = w
		} else {
			opts.Stderr = w
		}
		io.closeAfterStart = append(io.closeAfterStart, w)
		io.pump(r, stream, byte(i+1))
	}
	if m.c.Config.OpenStdin {
		r, w, err := os.Pipe()
		if err != nil {
			io.close()
			return nil, err
		}
		opts.Stdin = r
		io.closeAfterStart = append(io.closeAfterStart, r)
		m.setStdin(w, nil)
	}
	return io, nil
}

func (io *runIO) pump(r *os.File, stream string, kind byte) {
	io.readers = append(io.readers, r)
	sp := &lineSplitter{log: io.m.log, stream: stream}
	io.splitters = append(io.splitters, sp)
	io.pumps.Add(1)
	go io.m.pump(r, sp, kind, &io.pumps)
}

// addConsole pumps the pty master the runtime kept for a tty.
func (io *runIO) addConsole(master *os.File) {
	cons, err := console.ConsoleFromFile(master)
	if err != nil {
		io.readers = append(io.readers, master)
		return
	}
	if s := io.m.size; s != nil && s.Rows > 0 && s.Cols > 0 {
		cons.Resize(console.WinSize{Height: s.Rows, Width: s.Cols})
	}
	io.m.setStdin(master, cons)
	io.pump(master, "stdout", frameStdout)
}

// started drops our copies of the container's ends of the pipes, so the
// output ends when the container's processes are gone.
func (io *runIO) started() {
	for _, f := range io.closeAfterStart {
		f.Close()
	}
	io.closeAfterStart = nil
}

// drain waits (a while) for the output to end and logs what was left.
func (io *runIO) drain() {
	drained := make(chan struct{})
	go func() { io.pumps.Wait(); close(drained) }()
	select {
	case <-drained:
	case <-time.After(2 * time.Second):
	}
	for _, sp := range io.splitters {
		sp.flush()
	}
}

func (io *runIO) close() {
	io.started()
	for _, f := range io.readers {
		f.Close()
	}
}

// runOnce creates and starts the container and waits for its end; it
// returns the exit code, whether the OOM killer struck and the runtime's
// container, stopped, for the caller to delete (nil if it did not start).
func (m *monitor) runOnce(first bool) (code int, oom bool, _ *libcontainer.Container, err error) {
	c := m.c
	null, err := os.OpenFile(os.DevNull, os.O_RDWR, 0)
	if err != nil {
		return 125, false, nil, err
	}
	defer null.Close()
	opts := &libcontainer.CreateOpts{Bundle: m.e.bundleDir(c.ID), Spec: m.spec, Stdin: null, Stdout: null,
		Stderr: null, AttachConsole: c.Config.Tty}
	rio, err := m.newRunIO(opts)
	if err != nil {
		return 125, false, nil, err
	}
	defer rio.close()
	// a restart makes the runtime's container again
	if old, lerr := libcontainer.Load(c.RuntimeRoot, c.ID); lerr == nil {
		old.Delete(true)
	}
	ct, err := m.createStarted(opts, rio, first)
	if err != nil {
		m.closeStdin()
		return startCode(err), false, nil, err
	}
	trace.Mark("running")
	code, werr := ct.Wait()
	// a traced monitor prints its teardown's timeline too (in monitor.log)
	trace.Restart()
	trace.Mark("exited")
	if werr != nil {
		code = 255
	}
	rio.drain()
	trace.Mark("output drained")
	// the cgroup outlives the init until Delete: its OOM kill count is there
	if n, oerr := cgroups.OOMKills(ct.State().CgroupPath); oerr == nil && n > 0 {
		oom = true
	}
	m.mu.Lock()
	m.ct = nil
	m.mu.Unlock()
	m.closeStdin()
	trace.Mark("oom checked")
	// the network is detached by the next run's Attach, or released by finish
	return code, oom, ct, nil
}

// createStarted creates the container, plugs in its network, starts it
// and records it running; on error nothing of the run is left.
func (m *monitor) createStarted(opts *libcontainer.CreateOpts, rio *runIO, first bool) (*libcontainer.Container, error) {
	c := m.c
	ct, err := libcontainer.Create(c.RuntimeRoot, c.ID, opts)
	if err != nil {
		return nil, err
	}
	trace.Mark("created")
	if err := network.Attach(m.e.DataRoot, c.ID, ct.InitPid()); err != nil {
		ct.Delete(true)
		return nil, &ExitError{125, err}
	}
	trace.Mark("network attached")
	if master := ct.Console(); master != nil {
		rio.addConsole(master)
	}
	if err := ct.Start(); err != nil {
		ct.Delete(true)
		network.Detach(m.e.DataRoot, c.ID)
		return nil, err
	}
	rio.started()
	m.mu.Lock()
	m.ct = ct
	m.mu.Unlock()
	if err := m.markRunning(first, ct.InitPid()); err != nil {
		ct.Delete(true)
		return nil, &ExitError{125, err}
	}
	return ct, nil
}

// markRunning records the run; on the first run the starter holds the
// lock and waits for our word.
func (m *monitor) markRunning(first bool, pid int) error {
	apply := func(c *Container) {
		st := &c.State
		st.Status, st.Pid, st.StartedAt = StatusRunning, pid, time.Now().UTC()
		st.MonitorPid, st.ExitCode, st.Error, st.OOMKilled = os.Getpid(), 0, "", false
		st.Generation++
	}
	if first {
		apply(m.c)
		if err := m.e.saveState(m.c); err != nil {
			return err
		}
		report(m.status, monitorMsg{Pid: pid})
		m.status = nil
		if trace.Enabled() { // the monitor's timeline, in monitor.log
			trace.Mark("reported")
			trace.Print(os.Stderr)
		}
		return nil
	}
	h, err := m.e.lock(m.c.ID)
	if err != nil {
		return err
	}
	defer h.unlock()
	apply(h.c)
	m.c = h.c
	return h.save()
}

// pump copies one output stream to the log and the attached CLI.
func (m *monitor) pump(r *os.File, sp *lineSplitter, kind byte, wg *sync.WaitGroup) {
	defer wg.Done()
	buf := make([]byte, 32*1024)
	for {
		n, err := r.Read(buf)
		if n > 0 {
			sp.Write(buf[:n])
			if a := m.attach; a != nil {
				if a.write(kind, buf[:n]) != nil {
					m.attach = nil
				}
			}
		}
		if err != nil {
			return
		}
	}
}

func (m *monitor) setStdin(w io.WriteCloser, cons console.Console) {
	m.mu.Lock()
	m.stdin, m.console = w, cons
	m.mu.Unlock()
}

func (m *monitor) closeStdin() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.stdin != nil && m.console == nil {
		m.stdin.Close()
	}
	m.stdin, m.console = nil, nil
}

// readAttach handles what the foreground CLI sends: input, window size,
// signals.
func (m *monitor) readAttach() {
	a := m.attach
	for {
		kind, p, err := a.read()
		if err != nil {
			return
		}
		m.mu.Lock()
		stdin, cons, ct := m.stdin, m.console, m.ct
		m.mu.Unlock()
		switch kind {
		case frameStdin:
			if stdin != nil {
				stdin.Write(p)
			}
		case frameStdinClose:
			if cons == nil && stdin != nil {
				m.closeStdin()
			}
		case frameResize:
			if cons != nil && len(p) == 4 {
				cons.Resize(console.WinSize{Height: binary.BigEndian.Uint16(p), Width: binary.BigEndian.Uint16(p[2:])})
			}
		case frameSignal:
			if ct != nil && len(p) == 4 {
				sig := binary.BigEndian.Uint32(p)
				if m.c.HostConfig.Init {
					awaitCaught(ct.InitPid(), int(sig), 2*time.Second)
				}
				ct.Signal(unix.Signal(sig), false)
			}
		}
	}
}

// sleepUnlessStopped waits out a restart's back-off; false when stop or
// rm came meanwhile.
func (m *monitor) sleepUnlessStopped(d time.Duration) bool {
	end := time.Now().Add(d)
	for time.Now().Before(end) {
		time.Sleep(min(50*time.Millisecond, time.Until(end)))
		c, err := m.e.load(m.c.ID)
		if err != nil || c.State.ManuallyStopped {
			return false
		}
	}
	return true
}

// finish tears the last run down, records the final exit, removes the
// container for --rm or rm -f, and tells the CLI.
func (m *monitor) finish(ct *libcontainer.Container) {
	e, id := m.e, m.c.ID
	removing, _ := m.c.removal()
	m.teardown(ct, removing)
	h, err := e.lock(id)
	if err != nil {
		m.sendExit(m.c.State.ExitCode)
		return
	}
	st := &h.c.State
	if st.Running() || st.Status == StatusRestarting {
		st.Status = StatusExited
	}
	st.MonitorPid = 0
	code := st.ExitCode
	if remove, volumes := h.c.removal(); remove {
		// torn down already if we knew before; else remove does it
		if h.removeRecord(volumes, !removing) != nil {
			h.save() // rm (or the next listing) finishes it
		}
	} else {
		h.save()
	}
	h.unlock()
	m.sendExit(code)
	trace.Mark("lock released")
	if m.rootfsRef != nil {
		m.rootfsRef.Close() // the overlay's final unmount, its sync
		trace.Mark("rootfs released")
	}
}

// teardown deletes the run's runtime container (its cgroups), releases
// the network and unmounts the root filesystem, all at once: none waits
// for another (a v1 cgroup's rmdir, a veth's delete and an overlay's
// unmount each wait on the kernel). The writable layer goes too when the
// container is being removed (removing).
func (m *monitor) teardown(ct *libcontainer.Container, removing bool) {
	e, c := m.e, m.c
	var wg sync.WaitGroup
	wg.Go(func() { deleteRun(ct) })
	wg.Go(func() { network.Release(e.DataRoot, c.ID); trace.Mark("network released") })
	if removing {
		m.rootfsRef = detachRootfs(e.rootfsDir(c.ID))
	} else {
		unmount(e.rootfsDir(c.ID))
	}
	trace.Mark("rootfs unmounted")
	if removing {
		if store, err := image.Open(e.DataRoot); err == nil {
			store.UnmountRootfs(c.ID, "")
			trace.Mark("writable layer removed")
		}
	}
	wg.Wait()
	trace.Mark("teardown")
}

// detachRootfs takes a root filesystem about to be deleted off the mount
// table at once, and returns a reference that keeps its superblock alive
// until closed (nil if it was not mounted): an overlay's last unmount
// syncs its whole upper filesystem (every other writer's dirty data on
// it too), which closing the reference then pays, after the CLI is told.
func detachRootfs(dir string) *os.File {
	if !isMounted(dir) {
		return nil
	}
	ref, err := os.OpenFile(dir, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		unmount(dir)
		return nil
	}
	if err := unix.Unmount(dir, unix.MNT_DETACH); err != nil {
		ref.Close()
		unmount(dir)
		return nil
	}
	unmount(dir) // anything stacked below it
	return ref
}

func (m *monitor) sendExit(code int) {
	// done with the container: a command the CLI runs next (rm) must not
	// find a monitor still looking after it
	m.lock.Close()
	if a := m.attach; a != nil {
		a.write(frameExit, u32(uint32(int32(code))))
		a.rw.Close()
	}
}

// shouldRestart is the restart policy's decision after an exit.
func shouldRestart(p RestartPolicy, st State, code int) bool {
	if st.ManuallyStopped {
		return false
	}
	switch p.Name {
	case "always", "unless-stopped":
		return true
	case "on-failure":
		return code != 0 && (p.MaximumRetryCount == 0 || st.RestartCount < p.MaximumRetryCount)
	}
	return false
}

// startCode maps a failed create or start to Docker's exit codes.
func startCode(err error) int {
	var ee *ExitError
	if errors.As(err, &ee) || errors.As(startError(err), &ee) {
		return ee.Code
	}
	return 125
}

// withoutNetworkHooks is a copy of s without the network's hooks
// (`myrunc ... network hook attach|detach ID`).
func withoutNetworkHooks(s *specs.Spec) *specs.Spec {
	cp := *s
	if s.Hooks == nil {
		return &cp
	}
	h := *s.Hooks
	ours := func(hk specs.Hook) bool {
		i := slices.Index(hk.Args, "network")
		return i >= 0 && i+1 < len(hk.Args) && hk.Args[i+1] == "hook"
	}
	h.CreateRuntime = slices.DeleteFunc(slices.Clone(h.CreateRuntime), ours)
	h.Poststop = slices.DeleteFunc(slices.Clone(h.Poststop), ours)
	cp.Hooks = &h
	return &cp
}

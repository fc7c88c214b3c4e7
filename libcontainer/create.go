package libcontainer

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"myrunc/internal/atomicfile"
	"myrunc/internal/trace"
	"myrunc/libcontainer/cgroups"
	"myrunc/libcontainer/console"
	"myrunc/libcontainer/handshake"
	"myrunc/libcontainer/hooks"
	"myrunc/libcontainer/rootfs"
	"myrunc/libcontainer/seccomp"
)

// CreateOpts is what `create` and `run` pass to Create.
type CreateOpts struct {
	Bundle       string
	Spec         *specs.Spec // already validated (spec.Load)
	PidFile      string
	NoPivot      bool
	NoNewKeyring bool
	PreserveFds  int
	// Stdio of the container; nil means ours.
	Stdin, Stdout, Stderr *os.File
	// ConsoleSocket receives the pty master (process.terminal); with
	// AttachConsole and no socket, Create keeps the master for the caller
	// (Container.Console) to attach its own terminal.
	ConsoleSocket string
	AttachConsole bool
	// PidfdSocket receives a pidfd of the container's init (sendPidfd).
	PidfdSocket string
}

// Create makes container id under root: its state directory, cgroup and
// init, which it drives through the handshake until the init waits,
// blocked before the user process, for Start. On any failure everything
// made so far is undone.
func Create(root, id string, o *CreateOpts) (_ *Container, err error) {
	if err := ValidateID(id); err != nil {
		return nil, err
	}
	c := &Container{root: root, id: id, dir: filepath.Join(root, id)}
	rb := &rollback{}
	defer func() {
		if err != nil {
			rb.run()
			c.Unlock()
		}
	}()
	p, st, err := c.createInit(o, rb)
	if err != nil {
		return nil, err
	}
	if err := st.save(c.dir); err != nil {
		return nil, err
	}
	c.state = st
	trace.Mark("saved state")
	if o.PidFile != "" {
		if err := writePidFile(o.PidFile, st.Pid); err != nil {
			return nil, err
		}
	}
	if o.PidfdSocket != "" {
		if err := sendPidfd(o.PidfdSocket, st.Pid); err != nil {
			return nil, err
		}
	}
	// the init goes on to wait for start only once it is on record
	if err := p.sock.Commit(); err != nil {
		return nil, fmt.Errorf("container init exited before create finished: %w", err)
	}
	trace.Mark("committed")
	p.sock.Close()
	p.gate.Close()
	if !p.forked {
		c.initCmd = p.cmd
	}
	c.cgroup, _ = rb.cgroup.wait()
	return c, nil
}

// prepared is what createInit works out before it makes anything.
type prepared struct {
	ns         *nsPlan
	cgPath     string
	filter     *seccomp.Program
	dirs       []cgroups.Dir
	plan       *rootfs.Plan
	send, recv *os.File // the console's ends (process.terminal)
	netDevs    []*netDev
}

func (pr *prepared) close() {
	pr.ns.close()
	for _, f := range []*os.File{pr.send, pr.recv} {
		if f != nil {
			f.Close()
		}
	}
}

// prepare works out everything create needs from the spec and the host:
// what can fail without anything made fails here.
func (c *Container) prepare(o *CreateOpts) (_ *prepared, err error) {
	s := o.Spec
	if s.Linux == nil {
		s.Linux = &specs.Linux{}
	}
	if err := refuseUnsupported(s); err != nil {
		return nil, err
	}
	ns, err := planNamespaces(s)
	if err != nil {
		return nil, err
	}
	pr := &prepared{ns: ns}
	defer func() {
		if err != nil {
			pr.close()
		}
	}()
	if pr.netDevs, err = planNetDevices(s.Linux.NetDevices); err != nil {
		return nil, err
	}
	if pr.cgPath, err = cgroups.CleanPath(s.Linux.CgroupsPath, c.id); err != nil {
		return nil, fmt.Errorf("linux.cgroupsPath: %w", err)
	}
	if pr.filter, err = seccompFor(c.root, s); err != nil {
		return nil, err
	}
	if pr.dirs, err = cgroups.DirsFor(pr.cgPath); err != nil {
		return nil, err
	}
	pr.plan, err = rootfs.MakePlan(rootfs.Input{Spec: s, Bundle: o.Bundle, InUserNS: ns.inUserNS,
		Cgroups: toRootfsDirs(pr.dirs), HasKcore: exists("/proc/kcore"),
		Privileged: os.Geteuid() == 0})
	if err != nil {
		return nil, err
	}
	pr.send, pr.recv, err = consoleFor(s.Process.Terminal, o.ConsoleSocket, o.AttachConsole)
	return pr, err
}

func (c *Container) createInit(o *CreateOpts, rb *rollback) (*initProcess, *State, error) {
	s := o.Spec
	pr, err := c.prepare(o)
	if err != nil {
		return nil, nil, err
	}
	defer pr.close()
	ns, cgPath, filter, plan, send, recv := pr.ns, pr.cgPath, pr.filter, pr.plan, pr.send, pr.recv
	creator, err := self()
	if err != nil {
		return nil, nil, err
	}
	// from here on, what is made is on record
	rec := &State{ID: c.id, Bundle: o.Bundle, Rootfs: s.Root.Path, CgroupPath: cgPath,
		OwnMountNs: ns.ownMount, Owner: strconv.Itoa(os.Geteuid()), Creator: creator}
	if c.lock, err = makeStateDir(c.root, c.id, rec); err != nil {
		return nil, nil, err
	}
	rb.dir = c.dir
	trace.Mark("made state dir")
	// the cgroup is made while the init starts: it needs no pid until joined
	cg := makeCgroup(c.id, cgPath, s)
	rb.cgroup = cg
	p, err := spawn(spawnArgs{gateDir: c.dir, stdin: o.Stdin, stdout: o.Stdout, stderr: o.Stderr,
		preserveFds: o.PreserveFds, ns: ns, uidMaps: s.Linux.UIDMappings, gidMaps: s.Linux.GIDMappings,
		console: send, slimRoot: c.root})
	if err != nil {
		return nil, nil, err
	}
	rb.init = p
	if !ns.ownMount {
		rb.hostRootfs = s.Root.Path
	}
	trace.Mark("spawned init")
	pid := p.pid
	// before the hooks, which may configure the devices
	rb.netDevs, err = moveNetDevices(pr.netDevs, pid)
	if err != nil {
		return nil, nil, err
	}
	_, start, err := procStat(pid)
	if err != nil {
		return nil, nil, fmt.Errorf("container init exited early: %w", err)
	}
	mountFiles, err := idmappedMounts(plan, pid)
	if err != nil {
		return nil, nil, err
	}
	defer closeFiles(mountFiles) // the init has its own copies once sent
	rec.Pid, rec.InitStartTime = pid, start
	st := &State{ID: c.id, Pid: pid, Bundle: o.Bundle, Rootfs: s.Root.Path, InitStartTime: start,
		Annotations: s.Annotations, CgroupPath: cgPath, OwnMountNs: ns.ownMount, Hooks: s.Hooks,
		Owner: rec.Owner, GateInode: gateInode(p.gate)}
	cfg := &handshake.Config{ID: c.id, Bundle: o.Bundle, Spec: initSpec(s), Pid: pid, NoPivot: o.NoPivot,
		NoNewKeyring: o.NoNewKeyring, PreserveFds: o.PreserveFds, UnshareCgroupNs: ns.unshareCgroup,
		InUserNS: ns.inUserNS, Plan: plan, MountFiles: mountFiles, ConsoleFd: p.consoleFd, ExeFd: p.exeFd, Seccomp: filter}
	mgr, err := c.handshake(p, cg, cfg, o, rec)
	if err != nil {
		return nil, nil, err
	}
	if err := setPidsLimit(mgr, s); err != nil {
		return nil, nil, err
	}
	st.CgroupPath = mgr.Path()
	trace.Mark("init ready")
	st.Created = time.Now().UTC()
	if recv != nil {
		if c.console, err = console.Receive(recv); err != nil {
			return nil, nil, err
		}
	}
	return p, st, nil
}

// handshake drives the init until it is Ready. Making and joining the
// cgroup runs alongside: the kernel's first cgroup migration after a quiet
// spell waits for an RCU grace period (milliseconds; the constructor in
// cgroups/prewarm_linux.c starts it at process start), which the init
// spends setting up its rootfs. The init waits for CgroupReady only before
// its cgroup mounts and before it unshares its cgroup namespace.
func (c *Container) handshake(p *initProcess, cg *pendingCgroup, cfg *handshake.Config, o *CreateOpts, rec *State) (cgroups.Manager, error) {
	if err := p.sock.SendConfig(cfg); err != nil {
		return nil, err
	}
	trace.Mark("sent config")
	// while the init works: put its pid on record, keep the spec
	saved := make(chan error, 1)
	go func() {
		err := rec.save(c.dir)
		if err == nil {
			err = saveConfig(c.dir, o.Spec)
		}
		saved <- err
	}()
	var mgr cgroups.Manager
	var joinErr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		if mgr, joinErr = cg.wait(); joinErr == nil {
			joinErr = mgr.Apply(p.pid)
			trace.Mark("joined cgroup")
		}
		if joinErr != nil {
			// the init must not go on outside its cgroup
			p.signal(unix.SIGKILL)
			return
		}
		// A failed send means the init is gone: its own Error message,
		// read by drive, says why.
		if p.sock.CgroupReady() != nil {
			p.signal(unix.SIGKILL)
		}
	}()
	joined := func() error { <-done; return joinErr }
	stopGuard := guardThreadKill(p.pid, o.Spec)
	err := c.drive(p.sock, cfg, o, joined)
	if stopGuard() {
		err = errKilledByFilter
	}
	if jerr := joined(); err != nil && jerr != nil {
		err = jerr // the real cause of the init's death
	}
	if serr := <-saved; err == nil {
		err = serr
	}
	return mgr, err
}

func (c *Container) drive(sock *handshake.Parent, cfg *handshake.Config, o *CreateOpts, joined func() error) error {
	state := &specs.State{Version: specs.Version, ID: c.id, Status: specs.StateCreating,
		Pid: cfg.Pid, Bundle: cfg.Bundle, Annotations: o.Spec.Annotations}
	for {
		msg, err := sock.Next()
		if err != nil {
			return agentStalled(err, o.Spec)
		}
		switch m := msg.(type) {
		case *handshake.HooksRequest:
			// hooks may look at the init's cgroup: it must be joined first
			if err := joined(); err != nil {
				return err
			}
			for _, k := range []hooks.Kind{hooks.Prestart, hooks.CreateRuntime} {
				if err := hooks.Run(o.Spec.Hooks, k, state); err != nil {
					return err
				}
			}
			if err := sock.AckHooks(); err != nil {
				return err
			}
		case *handshake.SeccompFd:
			if err := handOverListener(sock, o.Spec, cfg.Pid, *state, m.File); err != nil {
				return err
			}
		case *handshake.Ready:
			for _, w := range m.Warnings {
				slog.Warn(w, "container", c.id)
			}
			trace.Add("init: ", m.Steps)
			return joined()
		}
	}
}

// pendingCgroup is the container's cgroup being made by newCgroup.
type pendingCgroup struct {
	done chan struct{}
	mgr  cgroups.Manager
	err  error
}

func makeCgroup(id, path string, s *specs.Spec) *pendingCgroup {
	cg := &pendingCgroup{done: make(chan struct{})}
	go func() {
		defer close(cg.done)
		cg.mgr, cg.err = newCgroup(id, path, s)
		trace.Mark("made cgroup")
	}()
	return cg
}

func (cg *pendingCgroup) wait() (cgroups.Manager, error) {
	<-cg.done
	return cg.mgr, cg.err
}

// newCgroup makes the container's cgroup. An unprivileged user who may
// not create one (no delegated hierarchy) runs the container without: its
// limits are then not applied, which is said, not failed.
func newCgroup(id, path string, s *specs.Spec) (cgroups.Manager, error) {
	r := cgroupResources(s)
	r.Pids = nil // setPidsLimit, once the init is ready
	m, err := cgroups.New(path, r)
	if err == nil || os.Geteuid() == 0 || !errors.Is(err, fs.ErrPermission) {
		return m, err
	}
	if r := s.Linux.Resources; r != nil && (r.Memory != nil || r.CPU != nil || r.Pids != nil || r.BlockIO != nil) {
		slog.Warn("rootless: no cgroup could be made, so linux.resources are not applied", "container", id, "error", err)
	}
	return cgroups.None{}, nil
}

// setPidsLimit applies linux.resources.pids once the init is ready (as
// runc applies its limits): while it sets up, the init's Go runtime
// starts threads, which count as tasks, and a small limit (0 is one since
// runtime-spec 1.3) would kill it.
func setPidsLimit(m cgroups.Manager, s *specs.Spec) error {
	r := s.Linux.Resources
	if r == nil || r.Pids == nil || r.Pids.Limit == nil {
		return nil
	}
	return m.Set(&specs.LinuxResources{Pids: r.Pids})
}

func toRootfsDirs(dirs []cgroups.Dir) []rootfs.CgroupDir {
	var out []rootfs.CgroupDir
	for _, d := range dirs {
		out = append(out, rootfs.CgroupDir{Name: d.Name, HostPath: d.HostPath, Links: d.Links})
	}
	return out
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// writePidFile writes the pid atomically, so a reader never sees it half written.
func writePidFile(path string, pid int) error {
	abs, err := filepath.Abs(path)
	if err != nil {
		return err
	}
	if err := atomicfile.Write(abs, []byte(strconv.Itoa(pid)), 0o644); err != nil {
		return fmt.Errorf("write pid file: %w", err)
	}
	return nil
}

// rollback undoes a failed create: no process, cgroup or state is left.
type rollback struct {
	dir    string // "" until the state directory is made
	init   *initProcess
	cgroup *pendingCgroup
	// hostRootfs: the container has no mount namespace of its own; its
	// mounts under this rootfs are on the host
	hostRootfs string
	netDevs    []*netDev // moved into the init's network namespace
}

func (r *rollback) run() {
	if r.init != nil {
		returnNetDevices(r.netDevs, r.init.pid)
		r.init.kill()
		r.init.sock.Close()
		r.init.gate.Close()
	}
	if r.cgroup != nil {
		if m, err := r.cgroup.wait(); err == nil {
			// an init forked by nsenter is not ours to reap: it may
			// still be dying in the cgroup
			destroyCgroup(m)
		}
	}
	if r.hostRootfs != "" {
		// an init in our mount namespace made its mounts on the host
		unmountUnder(r.hostRootfs)
	}
	if r.dir != "" {
		os.RemoveAll(r.dir)
	}
}

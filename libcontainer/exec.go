package libcontainer

import (
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"myrunc/internal/cpulist"
	"myrunc/internal/fastjson"
	"myrunc/internal/linuxns"
	"myrunc/internal/trace"
	"myrunc/libcontainer/cgroups"
	"myrunc/libcontainer/console"
	"myrunc/libcontainer/handshake"
	"myrunc/libcontainer/seccomp"
)

// ExecOpts is what `exec` passes to Exec.
type ExecOpts struct {
	Process     *specs.Process
	PidFile     string
	PreserveFds int
	// Stdio of the process; nil means ours.
	Stdin, Stdout, Stderr *os.File
	// as in CreateOpts
	ConsoleSocket string
	AttachConsole bool
	// User is a user[:group] with names, looked up inside the container
	// (Process.User holds numeric ids).
	User string
	// SubCgroups puts the process in sub-cgroups of the container's
	// (cgroups.ParseSub); nil: the container's own.
	SubCgroups map[string]string
	// IgnorePaused: exec into a paused container too; the process waits,
	// frozen, until it is resumed (and so does Exec).
	IgnorePaused bool
	// PidfdSocket receives a pidfd of the process (see sendPidfd).
	PidfdSocket string
	// Spec is the container's config as Config returned it, when the
	// caller has read it already (nil: Exec reads it): a second decode
	// of config.json is a tenth of exec's own work.
	Spec *specs.Spec
}

// Process is a process Exec started; the caller is its parent.
type Process struct {
	Pid int
	// Console is the pty master, with ExecOpts.AttachConsole
	Console *os.File
	cmd     *exec.Cmd
	// forked: cmd was the nsenter intermediate; we reap Pid as subreaper
	forked bool
}

// Wait waits for the process and returns its exit code, 128+signal when a
// signal killed it.
func (p *Process) Wait() (int, error) {
	if p.forked {
		return waitPid(p.Pid)
	}
	return waitCmd(p.cmd)
}

// Config is the spec the container was created from.
func (c *Container) Config() (*specs.Spec, error) {
	data, err := os.ReadFile(filepath.Join(c.dir, configFile))
	if err != nil {
		return nil, err
	}
	var s specs.Spec
	if err := fastjson.Unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("corrupt %s: %w", filepath.Join(c.dir, configFile), err)
	}
	return &s, nil
}

// Exec runs a new process in a created or running container: in all of
// its namespaces and its cgroup. It returns once the process has been
// exec'd, or with the reason it could not be (the words of a missing or
// non-executable command are the ones create uses).
func (c *Container) Exec(o *ExecOpts) (*Process, error) {
	if err := c.lockUsable(); err != nil {
		return nil, err
	}
	defer c.Unlock()
	switch st := c.Status(); {
	case st == Paused && !o.IgnorePaused:
		return nil, fmt.Errorf("cannot exec in a paused container (use --ignore-paused to override): %w", ErrWrongState)
	case st == Paused:
	case !st.allows("exec"):
		return nil, &stateError{"exec", c.id, st}
	}
	s := o.Spec
	if s == nil {
		var err error
		if s, err = c.Config(); err != nil {
			return nil, err
		}
	}
	// exec'd processes get the container's filter, as runc gives them
	filter, err := seccompFor(c.root, s)
	if err != nil {
		return nil, err
	}
	ns, err := planExecNamespaces(s, c.state.Pid, c.state.InitStartTime)
	if err != nil {
		return nil, err
	}
	defer ns.close()
	send, recv, err := consoleFor(o.Process.Terminal, o.ConsoleSocket, o.AttachConsole)
	if err != nil {
		return nil, err
	}
	if send != nil {
		defer send.Close()
	}
	if recv != nil {
		defer recv.Close()
	}
	// a --process without one takes the container's (as runc does)
	if o.Process.ExecCPUAffinity == nil && s.Process != nil {
		o.Process.ExecCPUAffinity = s.Process.ExecCPUAffinity
	}
	initial, err := initialCPUs(o.Process)
	if err != nil {
		return nil, err
	}
	p, err := spawn(spawnArgs{stdin: o.Stdin, stdout: o.Stdout, stderr: o.Stderr,
		preserveFds: o.PreserveFds, ns: ns, console: send, initialCPUs: initial, slimRoot: c.root})
	if err != nil {
		return nil, err
	}
	trace.Mark("spawned exec process")
	if err := c.startExec(p, s, filter, o); err != nil {
		p.kill()
		p.sock.Close()
		return nil, err
	}
	trace.Mark("exec'd the process")
	p.sock.Close()
	p.gate.Close()
	proc := &Process{Pid: p.pid, cmd: p.cmd, forked: p.forked}
	if recv != nil {
		if proc.Console, err = console.Receive(recv); err != nil {
			p.kill()
			return nil, err
		}
	}
	if o.PidfdSocket != "" {
		if err := sendPidfd(o.PidfdSocket, p.pid); err != nil {
			p.kill()
			return nil, err
		}
	}
	if o.PidFile != "" {
		if err := writePidFile(o.PidFile, p.pid); err != nil {
			return nil, err
		}
	}
	return proc, nil
}

func (c *Container) startExec(p *initProcess, s *specs.Spec, filter *seccomp.Program, o *ExecOpts) error {
	es := initSpec(s)
	es.Process = o.Process
	es.Hooks = nil // exec runs no hooks
	cfg := &handshake.Config{ID: c.id, Bundle: c.state.Bundle, Spec: es, Pid: p.pid, Exec: true,
		PreserveFds: o.PreserveFds, InUserNS: linuxns.Has(linuxns.Of(s), specs.UserNamespace), ConsoleFd: p.consoleFd, ExeFd: p.exeFd,
		Seccomp: filter, ExecUser: o.User}
	if !linuxns.Has(linuxns.Of(s), specs.MountNamespace) {
		// the init shares our mount namespace, chrooted into its rootfs
		cfg.ExecRoot = "/proc/" + strconv.Itoa(c.state.Pid) + "/root"
	}
	if err := p.sock.SendConfig(cfg); err != nil {
		return err
	}
	m, err := cgroups.Load(c.state.CgroupPath)
	if err == nil {
		err = cgroups.ApplySub(m, p.pid, o.SubCgroups)
	}
	if err != nil {
		return fmt.Errorf("exec: join the container's cgroup: %w", err)
	}
	trace.Mark("joined cgroup")
	if err := p.sock.CgroupReady(); err != nil {
		return err
	}
	// The process is in the container now, and the lock is not needed
	// while it sets itself up: in a paused container (--ignore-paused)
	// it waits, frozen, for a `resume` that must be able to take it.
	c.Unlock()
	stopGuard := guardThreadKill(p.pid, s)
	err = c.driveExec(p, s)
	if stopGuard() {
		err = errKilledByFilter
	}
	return err
}

func (c *Container) driveExec(p *initProcess, s *specs.Spec) error {
	for {
		msg, err := p.sock.Next()
		if err != nil {
			return agentStalled(err, s)
		}
		switch m := msg.(type) {
		case *handshake.SeccompFd:
			st := specs.State{Version: specs.Version, ID: c.id, Status: specs.StateRunning,
				Pid: c.state.Pid, Bundle: c.state.Bundle, Annotations: s.Annotations}
			if err := handOverListener(p.sock, s, p.pid, st, m.File); err != nil {
				return err
			}
		case *handshake.Ready:
			for _, w := range m.Warnings {
				slog.Warn(w, "container", c.id)
			}
			trace.Add("exec: ", m.Steps)
			return agentStalled(p.sock.WaitExec(), s)
		}
	}
}

// planExecNamespaces joins every namespace the container has, through its
// init: the pid namespace from the spawning thread (it applies to the
// child, which is then born in it), the others from the init's C
// constructor, user first. With a user namespace the constructor joins
// the pid namespace too, and forks: the process is then our grandchild.
func planExecNamespaces(s *specs.Spec, pid int, start uint64) (*nsPlan, error) {
	p := &nsPlan{}
	if s.Linux == nil {
		return p, nil
	}
	for _, n := range s.Linux.Namespaces {
		name := linuxns.ProcName(n.Type)
		path := "/proc/" + strconv.Itoa(pid) + "/ns/" + name
		if n.Type == specs.UserNamespace && sameNS(path, "/proc/self/ns/user") {
			continue // setns into our own user namespace is refused
		}
		f, err := os.Open(path)
		if err != nil {
			p.close()
			return nil, fmt.Errorf("exec: open the container's %s namespace: %w", n.Type, err)
		}
		j := nsJoin{typ: n.Type, flag: linuxns.Flag(n.Type), f: f}
		if n.Type == specs.PIDNamespace && !linuxns.Has(linuxns.Of(s), specs.UserNamespace) {
			p.threadJoins = append(p.threadJoins, j)
		} else {
			// in a user namespace, the pid namespace is joined after it,
			// as its root: an unprivileged runtime may not join it from here
			p.nsenterJoins = append(p.nsenterJoins, j)
		}
		if n.Type == specs.UserNamespace {
			p.inUserNS = true
		}
	}
	// the pid may have been reused between Status and the opens
	if !alive(pid, start) {
		p.close()
		return nil, fmt.Errorf("exec: the container's init (pid %d) is gone: %w", pid, ErrNotRunning)
	}
	userFirst(p.nsenterJoins)
	p.viaNsenter = len(p.nsenterJoins) > 0
	return p, nil
}

func sameNS(a, b string) bool {
	var sa, sb unix.Stat_t
	return unix.Stat(a, &sa) == nil && unix.Stat(b, &sb) == nil && sa.Ino == sb.Ino && sa.Dev == sb.Dev
}

// initialCPUs is process.execCPUAffinity.initial as a CPU set (nil: none).
func initialCPUs(p *specs.Process) (*unix.CPUSet, error) {
	if p.ExecCPUAffinity == nil || p.ExecCPUAffinity.Initial == "" {
		return nil, nil
	}
	cpus, err := cpulist.Parse(p.ExecCPUAffinity.Initial)
	if err != nil {
		return nil, fmt.Errorf("process.execCPUAffinity.initial: %w", err)
	}
	set := &unix.CPUSet{}
	for _, c := range cpus {
		set.Set(c)
	}
	return set, nil
}

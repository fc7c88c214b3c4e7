package libcontainer

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"myrunc/internal/trace"
	"myrunc/libcontainer/handshake"
	"myrunc/libcontainer/nsenter"
)

// initProcess is a spawned `myrunc init` and our ends of its channels.
type initProcess struct {
	cmd *exec.Cmd
	pid int
	// forked: cmd was only the nsenter intermediate; the init is its child.
	forked bool
	sock   *handshake.Parent
	gate   *os.File // the start gate's listening socket
	// consoleFd is the console socket's fd number in the init (0: none)
	consoleFd int
	// exeFd is the init binary's fd number in the init (0: none)
	exeFd int
}

// spawnArgs is what differs between the init of create and of exec.
type spawnArgs struct {
	// gateDir holds the start gate (create); "" for exec, which has none
	gateDir     string
	stdin       *os.File
	stdout      *os.File
	stderr      *os.File
	preserveFds int
	ns          *nsPlan
	// uid and gid maps of a new user namespace
	uidMaps, gidMaps []specs.LinuxIDMapping
	// console is the socket the init sends its pty master over
	console *os.File
	// slimRoot is the state root where the slim inits are kept; "" runs
	// our own binary
	slimRoot string
	// initialCPUs: the init starts on these CPUs (exec's
	// execCPUAffinity.initial), until it is in the container's cgroup
	initialCPUs *unix.CPUSet
}

// spawn starts `myrunc init` in its namespaces. It waits there for its
// Config; nothing of the container exists yet.
func spawn(a spawnArgs) (*initProcess, error) {
	ns := a.ns
	sock, childSock, err := handshake.Pair()
	if err != nil {
		return nil, err
	}
	defer childSock.Close()
	gate := devNullGate()
	if a.gateDir != "" {
		if gate, err = listenGate(a.gateDir); err != nil {
			sock.Close()
			return nil, err
		}
	}
	cmd := &exec.Cmd{
		Path: "/proc/self/exe",
		Args: []string{"myrunc", "init"},
		// One P and no GC: the init allocates little and runs a few ms;
		// fewer threads also make its final execve cheaper. No signal
		// preemption: loading a seccomp notify filter and handing its
		// listener over must follow each other with no syscall between
		// (seccomp.LoadAndSend). No cgroup-aware GOMAXPROCS: it would
		// keep the cgroup's cpu files open in the init.
		Env: []string{"GOMAXPROCS=1", "GOGC=off", "GODEBUG=asyncpreemptoff=1,containermaxprocs=0"},
	}
	if k := trace.KillAt(); strings.HasPrefix(k, trace.InitFaultPrefix) {
		cmd.Env = append(cmd.Env, trace.FaultEnv+"="+k)
	}
	// A terminal process gets the pty as its stdio; until then the init
	// holds none of ours (/dev/null), or an engine reading create's
	// output would wait for an EOF that never comes.
	// (A nil *os.File must not become a non-nil io.Reader.)
	if a.console == nil {
		if f := stdio(a.stdin, 0); f != nil {
			cmd.Stdin = f
		}
		if f := stdio(a.stdout, 1); f != nil {
			cmd.Stdout = f
		}
		if f := stdio(a.stderr, 2); f != nil {
			cmd.Stderr = f
		}
	}
	// fd 3: handshake socket, 4: start gate, 5..: the preserved fds
	cmd.ExtraFiles = []*os.File{childSock, gate}
	for i := 0; i < a.preserveFds; i++ {
		cmd.ExtraFiles = append(cmd.ExtraFiles, os.NewFile(uintptr(3+i), "preserved"))
	}
	consoleFd := 0
	if a.console != nil {
		consoleFd = 3 + len(cmd.ExtraFiles)
		cmd.ExtraFiles = append(cmd.ExtraFiles, a.console)
	}
	var pidPipe *os.File
	if ns.viaNsenter {
		if pidPipe, err = nsenterRequest(cmd, ns); err != nil {
			sock.Close()
			gate.Close()
			return nil, err
		}
		defer pidPipe.Close()
	}
	exeFd := 0
	if exe := initExe(a.slimRoot, ns.viaNsenter); exe != nil {
		defer exe.Close()
		exeFd = 3 + len(cmd.ExtraFiles)
		cmd.Path = "/proc/self/fd/" + strconv.Itoa(exeFd)
		cmd.ExtraFiles = append(cmd.ExtraFiles, exe)
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: ns.cloneFlags}
	if ns.newUser && ns.maps == nil {
		cmd.SysProcAttr.UidMappings = idMaps(a.uidMaps)
		cmd.SysProcAttr.GidMappings = idMaps(a.gidMaps)
		// an unprivileged user may only map its gid after denying setgroups
		cmd.SysProcAttr.GidMappingsEnableSetgroups = os.Geteuid() == 0
		// become root of the new namespace once the maps are written, so
		// the init keeps its capabilities across execve there
		cmd.SysProcAttr.Credential = &syscall.Credential{Uid: 0, Gid: 0, NoSetGroups: os.Geteuid() != 0}
	}
	// descriptors our caller left open without close-on-exec are not the
	// container's: only what ExtraFiles names reaches the init
	if err := unix.CloseRange(3, ^uint(0), unix.CLOSE_RANGE_CLOEXEC); err != nil && err != unix.ENOSYS {
		sock.Close()
		gate.Close()
		return nil, os.NewSyscallError("close_range", err)
	}
	if err := ns.startIn(cmd.Start, a.initialCPUs); err != nil {
		sock.Close()
		gate.Close()
		return nil, &os.PathError{Op: "start container init", Path: cmd.Path, Err: err}
	}
	if ns.pidPipeW != nil {
		ns.pidPipeW.Close()
		ns.pidPipeW = nil
	}
	p := &initProcess{cmd: cmd, sock: sock, gate: gate, pid: cmd.Process.Pid, consoleFd: consoleFd, exeFd: exeFd}
	if ns.maps != nil {
		if err := ns.maps.write(p.pid, a.uidMaps, a.gidMaps); err != nil {
			p.kill()
			sock.Close()
			gate.Close()
			return nil, err
		}
	}
	if pidPipe != nil {
		if err := p.readForkedPid(pidPipe); err != nil {
			p.kill()
			sock.Close()
			gate.Close()
			return nil, err
		}
	}
	return p, nil
}

// nsenterRequest passes the namespaces to join to the init's constructor
// (after the preserved fds) and returns our end of its pid pipe.
func nsenterRequest(cmd *exec.Cmd, ns *nsPlan) (*os.File, error) {
	var joins []nsenter.Join
	for _, j := range ns.nsenterJoins {
		joins = append(joins, nsenter.Join{Type: string(j.typ), Fd: 3 + len(cmd.ExtraFiles)})
		cmd.ExtraFiles = append(cmd.ExtraFiles, j.f)
	}
	userSync := -1
	if ns.maps != nil {
		userSync = 3 + len(cmd.ExtraFiles)
		cmd.ExtraFiles = append(cmd.ExtraFiles, ns.maps.child)
	}
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	cmd.Env = append(cmd.Env, nsenter.Request(joins, ns.unshare, 3+len(cmd.ExtraFiles), userSync))
	cmd.ExtraFiles = append(cmd.ExtraFiles, w)
	// our copy of the write end must be gone before we read to EOF; it
	// is closed right after the start, below, through this reader's owner
	ns.pidPipeW = w
	return r, nil
}

// readForkedPid learns the init's pid when the constructor had to fork
// for a pid namespace; the process we started then exits at once.
func (p *initProcess) readForkedPid(r *os.File) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if len(data) == 0 {
		return nil // no fork: the process we started is the init
	}
	pid, err := strconv.Atoi(string(data))
	if err != nil {
		return fmt.Errorf("nsenter sent a bad pid %q", data)
	}
	p.cmd.Wait()
	p.pid, p.forked = pid, true
	return nil
}

// devNullGate stands at fd 4 when there is no start gate (exec), so the
// fd layout stays the same.
func devNullGate() *os.File {
	f, err := os.Open(os.DevNull)
	if err != nil {
		return nil
	}
	return f
}

// stdio gives the init our own descriptor n unless the caller chose one;
// a closed descriptor becomes /dev/null rather than a failure.
func stdio(f *os.File, n int) *os.File {
	if f != nil {
		return f
	}
	if _, err := unix.FcntlInt(uintptr(n), unix.F_GETFD, 0); err != nil {
		return nil
	}
	return []*os.File{os.Stdin, os.Stdout, os.Stderr}[n]
}

func idMaps(m []specs.LinuxIDMapping) []syscall.SysProcIDMap {
	out := make([]syscall.SysProcIDMap, len(m))
	for i, x := range m {
		out[i] = syscall.SysProcIDMap{ContainerID: int(x.ContainerID), HostID: int(x.HostID), Size: int(x.Size)}
	}
	return out
}

// signal sends sig to the init (not the nsenter intermediate).
func (p *initProcess) signal(sig unix.Signal) {
	unix.Kill(p.pid, sig)
}

// kill ends an init that will not become a container, and reaps it.
func (p *initProcess) kill() {
	if p.forked {
		unix.Kill(p.pid, unix.SIGKILL)
		return
	}
	p.cmd.Process.Kill()
	p.cmd.Wait()
}

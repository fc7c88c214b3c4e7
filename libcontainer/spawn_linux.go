package libcontainer

import (
	"os"
	"os/exec"
	"path/filepath"
	"syscall"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"myrunc/libcontainer/handshake"
)

// initProcess is a spawned `myrunc init` and our ends of its channels.
type initProcess struct {
	cmd  *exec.Cmd
	sock *handshake.Parent
	fifo *os.File // read-write, so the init never blocks opening it
}

// spawn starts `myrunc init` in its new namespaces. It waits there for
// its Config; nothing of the container exists yet.
func spawn(dir string, o *CreateOpts, ns *nsPlan) (*initProcess, error) {
	sock, childSock, err := handshake.Pair()
	if err != nil {
		return nil, err
	}
	defer childSock.Close()
	fifoPath := filepath.Join(dir, fifoFile)
	if err := unix.Mkfifo(fifoPath, 0o600); err != nil {
		sock.Close()
		return nil, &os.PathError{Op: "mkfifo", Path: fifoPath, Err: err}
	}
	fifo, err := os.OpenFile(fifoPath, os.O_RDWR|unix.O_CLOEXEC, 0)
	if err != nil {
		sock.Close()
		return nil, err
	}
	cmd := &exec.Cmd{
		Path: "/proc/self/exe",
		Args: []string{"myrunc", "init"},
		Env:  []string{},
	}
	// a nil *os.File must not become a non-nil io.Reader
	if f := stdio(o.Stdin, 0); f != nil {
		cmd.Stdin = f
	}
	if f := stdio(o.Stdout, 1); f != nil {
		cmd.Stdout = f
	}
	if f := stdio(o.Stderr, 2); f != nil {
		cmd.Stderr = f
	}
	// fd 3: handshake socket, 4: exec fifo, 5..: the preserved fds
	cmd.ExtraFiles = []*os.File{childSock, fifo}
	for i := 0; i < o.PreserveFds; i++ {
		cmd.ExtraFiles = append(cmd.ExtraFiles, os.NewFile(uintptr(3+i), "preserved"))
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: ns.cloneFlags}
	if ns.newUser {
		cmd.SysProcAttr.UidMappings = idMaps(o.Spec.Linux.UIDMappings)
		cmd.SysProcAttr.GidMappings = idMaps(o.Spec.Linux.GIDMappings)
		// an unprivileged user may only map its gid after denying setgroups
		cmd.SysProcAttr.GidMappingsEnableSetgroups = os.Geteuid() == 0
	}
	if err := ns.startIn(cmd.Start); err != nil {
		sock.Close()
		fifo.Close()
		return nil, &os.PathError{Op: "start container init", Path: cmd.Path, Err: err}
	}
	return &initProcess{cmd: cmd, sock: sock, fifo: fifo}, nil
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

// kill ends an init that will not become a container, and reaps it.
func (p *initProcess) kill() {
	p.cmd.Process.Kill()
	p.cmd.Wait()
}

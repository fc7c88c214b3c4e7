package initproc

import (
	"fmt"
	"os"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"myrunc/libcontainer/handshake"
	"myrunc/libcontainer/hooks"
	"myrunc/libcontainer/rootfs"
)

type specsSpec = specs.Spec

// beforeReady turns the process into the container; any failure reaches
// `create` as an error.
var beforeReady = []step{
	{"namespaces", unshareLate},
	{"keyring", joinKeyring},
	{"mountRootfs", mountRootfs},
	{"hooks", requestHooks},
	{"createContainerHooks", createContainerHooks},
	{"pivot", pivot},
	{"finishRootfs", finishRootfs},
	{"hostname", setHostname},
	{"sysctl", writeSysctls},
	{"rlimits", setRlimits},
	{"oomScoreAdj", setOomScoreAdj},
	{"user", setUser},
	{"cwd", changeDir},
	{"noNewPrivs", setNoNewPrivs},
	{"lookPath", findExecutable},
	{"ready", sendReady},
}

// afterReady waits for `start` and becomes the user process.
var afterReady = []step{
	{"waitFifo", waitFifo},
	{"startContainerHooks", startContainerHooks},
	{"exec", execProcess},
}

// unshareLate makes the namespaces the parent could not create with clone:
// a cgroup namespace must be rooted at the container's cgroup, which the
// init joined after it was cloned, and a time namespace needs its offsets
// written before any process enters it (execve enters it).
func unshareLate(s *initState) error {
	if s.cfg.UnshareCgroupNs {
		if err := unix.Unshare(unix.CLONE_NEWCGROUP); err != nil {
			return os.NewSyscallError("unshare cgroup namespace", err)
		}
	}
	if !newNamespace(s.spec, specs.TimeNamespace) {
		return nil
	}
	if err := unix.Unshare(unix.CLONE_NEWTIME); err != nil {
		return os.NewSyscallError("unshare time namespace", err)
	}
	var b strings.Builder
	for clock, off := range s.spec.Linux.TimeOffsets {
		fmt.Fprintf(&b, "%s %d %d\n", clock, off.Secs, off.Nanosecs)
	}
	if b.Len() == 0 {
		return nil
	}
	if err := os.WriteFile("/proc/self/timens_offsets", []byte(b.String()), 0); err != nil {
		return fmt.Errorf("write time namespace offsets: %w", err)
	}
	return nil
}

func newNamespace(s *specs.Spec, t specs.LinuxNamespaceType) bool {
	if s.Linux == nil {
		return false
	}
	for _, ns := range s.Linux.Namespaces {
		if ns.Type == t {
			return ns.Path == ""
		}
	}
	return false
}

// joinKeyring gives the container its own session keyring, so it cannot
// read the host's keys (runc does the same; --no-new-keyring opts out).
func joinKeyring(s *initState) error {
	if s.cfg.NoNewKeyring {
		return nil
	}
	if _, err := unix.KeyctlJoinSessionKeyring("_ses." + s.cfg.ID); err != nil && err != unix.ENOSYS {
		return os.NewSyscallError("join session keyring", err)
	}
	return nil
}

func mountRootfs(s *initState) error {
	// exact modes for the device nodes and directories we create
	unix.Umask(0)
	if err := rootfs.Prepare(s.spec.Root.Path); err != nil {
		return err
	}
	return rootfs.Apply(s.spec.Root.Path, s.cfg.Plan.Mounts, s.cfg.InUserNS)
}

func requestHooks(s *initState) error {
	if len(hooks.List(s.spec.Hooks, hooks.Prestart))+len(hooks.List(s.spec.Hooks, hooks.CreateRuntime)) == 0 {
		return nil
	}
	return s.child.RequestHooks()
}

func (s *initState) state(status specs.ContainerState) *specs.State {
	return &specs.State{Version: specs.Version, ID: s.cfg.ID, Status: status, Pid: s.cfg.Pid,
		Bundle: s.cfg.Bundle, Annotations: s.spec.Annotations}
}

func createContainerHooks(s *initState) error {
	return hooks.Run(s.spec.Hooks, hooks.CreateContainer, s.state(specs.StateCreating))
}

func pivot(s *initState) error {
	if s.cfg.NoPivot {
		return rootfs.MoveRoot(s.spec.Root.Path)
	}
	return rootfs.Pivot(s.spec.Root.Path)
}

func finishRootfs(s *initState) error {
	return rootfs.Finish(s.cfg.Plan.Final)
}

func setHostname(s *initState) error {
	if s.spec.Hostname != "" {
		if err := unix.Sethostname([]byte(s.spec.Hostname)); err != nil {
			return os.NewSyscallError("sethostname", err)
		}
	}
	if s.spec.Domainname != "" {
		if err := unix.Setdomainname([]byte(s.spec.Domainname)); err != nil {
			return os.NewSyscallError("setdomainname", err)
		}
	}
	return nil
}

func sendReady(s *initState) error {
	if err := s.child.Ready(&handshake.Ready{Steps: s.timings}); err != nil {
		return err
	}
	return s.child.Close()
}

func waitFifo(s *initState) error {
	f := os.NewFile(handshake.FifoFd, "exec.fifo")
	var b [1]byte
	for {
		n, err := unix.Read(int(f.Fd()), b[:])
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return os.NewSyscallError("read exec fifo", err)
		}
		if n == 1 {
			return f.Close()
		}
	}
}

func startContainerHooks(s *initState) error {
	return hooks.Run(s.spec.Hooks, hooks.StartContainer, s.state(specs.StateRunning))
}

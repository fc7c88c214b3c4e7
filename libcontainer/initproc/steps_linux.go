package initproc

import (
	"fmt"
	"os"
	"slices"
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
var beforeReady = slices.Concat([]step{
	{"namespaces", unshareLate},
	{"keyring", joinKeyring},
	{"loopback", upLoopback},
	{"mountRootfs", mountRootfs},
	{"hooks", requestHooks},
	{"createContainerHooks", createContainerHooks},
	{"pivot", pivot},
	{"hostname", setHostname},
	// sysctls go in before /proc/sys becomes read-only
	{"sysctl", writeSysctls},
	{"console", setupConsole},
	{"finishRootfs", finishRootfs},
	{"cgroup", joinCgroupNs},
}, processSteps, []step{
	{"ready", sendReady},
})

// processSteps make the process itself, the same for the container's
// init and for an exec'd process.
var processSteps = []step{
	{"cpuAffinity", setCPUAffinity},
	{"rlimits", setRlimits},
	{"oomScoreAdj", setOomScoreAdj},
	{"personality", setPersonality},
	{"scheduler", setScheduler},
	{"ioPriority", setIOPriority},
	{"memoryPolicy", setMemoryPolicy},
	{"fdDir", keepFdDir},
	{"seccomp", seccompBeforeUser},
	// the cwd is entered while still privileged, and again as the user
	// if that failed: as runc does, so a cwd the user cannot reach works
	// when root can, and one only the user can reach (a volume chowned to
	// it, root-squashed) works too
	{"cwd", changeDirPrivileged},
	{"user", setUser},
	{"cwdAsUser", changeDirAsUser},
	{"noNewPrivs", setNoNewPrivs},
	{"env", setEnv},
	{"lookPath", findExecutable},
	{"seccompNoNewPrivs", seccompBeforeReady},
}

// afterReady waits for `start` and becomes the user process.
var afterReady = []step{
	{"waitCommit", waitCommit},
	{"waitStart", waitStart},
	{"startContainerHooks", startContainerHooks},
	{"exec", execProcess},
}

// unshareLate makes a time namespace, which clone cannot: its offsets must
// be written before any process enters it (execve enters it).
func unshareLate(s *initState) error {
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

// namespace finds the spec's entry for t.
func namespace(s *specs.Spec, t specs.LinuxNamespaceType) (specs.LinuxNamespace, bool) {
	if s.Linux != nil {
		for _, ns := range s.Linux.Namespaces {
			if ns.Type == t {
				return ns, true
			}
		}
	}
	return specs.LinuxNamespace{}, false
}

func hasNamespace(s *specs.Spec, t specs.LinuxNamespaceType) bool {
	_, ok := namespace(s, t)
	return ok
}

// joinCgroupNs waits until the parent has moved us into the container's
// cgroup, then makes the cgroup namespace, rooted there.
func joinCgroupNs(s *initState) error {
	if err := s.child.WaitCgroup(); err != nil {
		return err
	}
	if s.cfg.UnshareCgroupNs {
		if err := unix.Unshare(unix.CLONE_NEWCGROUP); err != nil {
			return os.NewSyscallError("unshare cgroup namespace", err)
		}
	}
	return nil
}

func newNamespace(s *specs.Spec, t specs.LinuxNamespaceType) bool {
	ns, ok := namespace(s, t)
	return ok && ns.Path == ""
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
	// without a mount namespace of its own the container shares the
	// host's: nothing may change the host's propagation then
	if hasNamespace(s.spec, specs.MountNamespace) {
		if err := rootfs.Prepare(s.spec.Root.Path, s.spec.Linux.RootfsPropagation); err != nil {
			return err
		}
	}
	opts := rootfs.ApplyOpts{InUserNS: s.cfg.InUserNS, WaitCgroup: s.child.WaitCgroup,
		MountFiles: s.cfg.MountFiles}
	err := rootfs.Apply(s.spec.Root.Path, s.cfg.Plan.Mounts, opts)
	// attached or not, the idmapped trees are done with
	for _, f := range s.cfg.MountFiles {
		f.Close()
	}
	if err != nil {
		return err
	}
	// a cwd the image lacks is made now, while we are root and / is writable
	if cwd := s.spec.Process.Cwd; cwd != "" && cwd != "/" {
		return rootfs.MkdirAll(s.spec.Root.Path, cwd)
	}
	return nil
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
	if !hasNamespace(s.spec, specs.MountNamespace) {
		// pivot_root would move the host's own root
		return rootfs.Chroot(s.spec.Root.Path)
	}
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
	return s.child.Ready(&handshake.Ready{Steps: s.timings, Warnings: s.warnings})
}

// waitCommit waits until create has the container on record; if create
// died first, no one will ever start or find this init, so it exits.
func waitCommit(s *initState) error {
	err := s.child.AwaitCommit()
	s.child.Close()
	return err
}

// waitStart blocks until `start` connects to the gate. The connection
// stays open, close-on-exec: start learns of success by EOF at execve,
// or reads why the start failed.
func waitStart(s *initState) error {
	for {
		fd, _, err := unix.Accept4(handshake.GateFd, unix.SOCK_CLOEXEC)
		if err == unix.EINTR || err == unix.ECONNABORTED {
			continue
		}
		if err != nil {
			return os.NewSyscallError("accept on the start gate", err)
		}
		unix.Close(handshake.GateFd)
		s.gate = os.NewFile(uintptr(fd), "gate")
		return nil
	}
}

func startContainerHooks(s *initState) error {
	return hooks.Run(s.spec.Hooks, hooks.StartContainer, s.state(specs.StateRunning))
}

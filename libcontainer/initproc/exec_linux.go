package initproc

import (
	"os"
	"slices"

	"golang.org/x/sys/unix"

	"myrunc/libcontainer/handshake"
)

// execBeforeReady turns an init that has joined a running container's
// namespaces (its C constructor did) into a new process of it.
var execBeforeReady = slices.Concat([]step{
	{"root", enterExecRoot},
	{"cgroup", waitCgroup},
	// before seccomp, which might not allow the reads
	{"lookupUser", lookupExecUser},
	{"console", setupConsole},
}, processSteps, []step{
	{"ready", sendReadyKeepOpen},
})

var execAfterReady = []step{
	{"exec", execProcess},
}

func waitCgroup(s *initState) error { return s.child.WaitCgroup() }

// enterExecRoot puts a process of a container without a mount namespace
// of its own where the container's init is: in its rootfs, not the host's.
func enterExecRoot(s *initState) error {
	if s.cfg.ExecRoot == "" {
		return nil
	}
	if err := unix.Chroot(s.cfg.ExecRoot); err != nil {
		return &os.PathError{Op: "chroot into the container's root", Path: s.cfg.ExecRoot, Err: err}
	}
	return os.NewSyscallError("chdir /", unix.Chdir("/"))
}

// sendReadyKeepOpen tells `exec` we are about to execve, and keeps the
// socket open, close-on-exec: `exec` reads EOF when execve succeeds.
func sendReadyKeepOpen(s *initState) error {
	if err := s.child.Ready(&handshake.Ready{Steps: s.timings, Warnings: s.warnings}); err != nil {
		return err
	}
	if _, err := unix.FcntlInt(handshake.SyncFd, unix.F_SETFD, unix.FD_CLOEXEC); err != nil {
		return os.NewSyscallError("fcntl", err)
	}
	return nil
}

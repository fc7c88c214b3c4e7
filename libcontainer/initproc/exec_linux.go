package initproc

import (
	"os"

	"golang.org/x/sys/unix"

	"myrunc/libcontainer/handshake"
)

// execBeforeReady turns an init that has joined a running container's
// namespaces (its C constructor did) into a new process of it.
var execBeforeReady = []step{
	{"cgroup", waitCgroup},
	// before seccomp, which might not allow the reads
	{"lookupUser", lookupExecUser},
	{"console", setupConsole},
	{"rlimits", setRlimits},
	{"oomScoreAdj", setOomScoreAdj},
	{"seccomp", seccompBeforeUser},
	{"user", setUser},
	{"cwd", changeDir},
	{"noNewPrivs", setNoNewPrivs},
	{"env", setHome},
	{"lookPath", findExecutable},
	{"seccompNotify", seccompBeforeReady},
	{"ready", sendReadyKeepOpen},
}

var execAfterReady = []step{
	{"exec", execProcess},
}

func waitCgroup(s *initState) error { return s.child.WaitCgroup() }

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

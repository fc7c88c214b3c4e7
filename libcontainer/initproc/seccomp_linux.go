package initproc

import (
	"golang.org/x/sys/unix"

	"myrunc/libcontainer/seccomp"
)

// Without no_new_privs, installing a filter needs CAP_SYS_ADMIN, so it
// goes in before the process's capabilities are applied. With it, the
// filter goes in as the last step before Ready, as runc loads it: the
// startContainer hooks then run under it, and a notify listener goes to
// the agent while the parent of create is still there to hand it over.
// What the init does after that (wait at the gate, hooks, close-on-exec,
// execve) a profile must allow, as with runc.

// keepFdDir opens the init's fd directory while it still may (openProc
// needs CAP_SYS_ADMIN) when a filter goes in before exec, which may refuse
// close_range: closeOnExecFrom then lists the descriptors there.
func keepFdDir(s *initState) error {
	if s.cfg.Seccomp == nil {
		return nil
	}
	// a failure matters only if close_range is refused, and says so then
	if dir, err := openProc("self/fd", unix.O_RDONLY|unix.O_DIRECTORY); err == nil {
		s.fdDir = dir
	}
	return nil
}

func seccompBeforeUser(s *initState) error {
	if s.cfg.Seccomp == nil || s.spec.Process.NoNewPrivileges {
		return nil
	}
	return loadSeccomp(s)
}

func seccompBeforeReady(s *initState) error {
	if s.cfg.Seccomp == nil || !s.spec.Process.NoNewPrivileges {
		return nil
	}
	return loadSeccomp(s)
}

// loadSeccomp installs the filter; a notify filter's listener goes to the
// parent at once, before this thread can trip on its own filter (see
// seccomp.LoadAndSend). The init keeps no copy: a process holding the
// listener could answer its own notifications.
func loadSeccomp(s *initState) error {
	if !s.cfg.Seccomp.Notify {
		return seccomp.Load(s.cfg.Seccomp)
	}
	sock, frame, err := s.child.SeccompFdFrame()
	if err != nil {
		return err
	}
	return seccomp.LoadAndSend(s.cfg.Seccomp, sock, frame)
}

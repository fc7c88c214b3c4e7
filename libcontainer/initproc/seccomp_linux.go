package initproc

import (
	"golang.org/x/sys/unix"

	"myrunc/libcontainer/seccomp"
)

// The filter goes in as late as possible, so that a strict profile still
// lets the runtime finish: with no_new_privs right before execve. Without
// no_new_privs, installing a filter needs CAP_SYS_ADMIN, so it goes in
// before the process's capabilities are applied (runc does the same).
//
// A filter with SCMP_ACT_NOTIFY makes a listener that the parent hands to
// the agent at linux.seccomp.listenerPath; after Ready the parent of
// create is gone, so with no_new_privs such a filter goes in just before
// Ready instead, after everything else but the start gate and exec.

// keepFdDir opens the init's fd directory while it still may (openProc
// needs CAP_SYS_ADMIN) when a filter goes in before exec, which may refuse
// close_range: closeOnExecFrom then lists the descriptors there.
func keepFdDir(s *initState) error {
	if s.cfg.Seccomp == nil || (s.spec.Process.NoNewPrivileges && !s.cfg.Seccomp.Notify) {
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
	if s.cfg.Seccomp == nil || !s.spec.Process.NoNewPrivileges || !s.cfg.Seccomp.Notify {
		return nil
	}
	return loadSeccomp(s)
}

func seccompLast(s *initState) error {
	if s.cfg.Seccomp == nil || !s.spec.Process.NoNewPrivileges || s.cfg.Seccomp.Notify {
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

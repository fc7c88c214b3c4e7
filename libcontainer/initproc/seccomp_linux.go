package initproc

import (
	"myrunc/libcontainer/seccomp"
)

// The filter goes in as late as possible, so that a strict profile still
// lets the runtime finish: with no_new_privs right before execve. Without
// no_new_privs, installing a filter needs CAP_SYS_ADMIN, so it goes in
// before the process's capabilities are applied (runc does the same).

func seccompBeforeUser(s *initState) error {
	if s.cfg.Seccomp == nil || s.spec.Process.NoNewPrivileges {
		return nil
	}
	return loadSeccomp(s)
}

func seccompLast(s *initState) error {
	if s.cfg.Seccomp == nil || !s.spec.Process.NoNewPrivileges {
		return nil
	}
	return loadSeccomp(s)
}

func loadSeccomp(s *initState) error {
	_, err := seccomp.Load(s.cfg.Seccomp)
	return err
}

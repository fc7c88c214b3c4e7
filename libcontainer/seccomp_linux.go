package libcontainer

import (
	"errors"
	"os"
	"path/filepath"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"myrunc/libcontainer/seccomp"
)

// seccompFor compiles the container's filter, through the cache under
// the state root.
func seccompFor(root string, s *specs.Spec) (*seccomp.Program, error) {
	if s.Linux == nil || s.Linux.Seccomp == nil {
		return nil, nil
	}
	sc := s.Linux.Seccomp
	p, err := seccomp.CompileCached(filepath.Join(root, ".cache", "seccomp"), sc)
	if err != nil {
		return nil, err
	}
	// spec.Validate says so first; a saved config read by exec did not
	// necessarily go through it
	if p.Notify && sc.ListenerPath == "" {
		return nil, errors.New("linux.seccomp.listenerPath: must be set when SCMP_ACT_NOTIFY is used")
	}
	return p, nil
}

// sendListener gives the agent at linux.seccomp.listenerPath the listener
// of process pid, with the container's state, and closes our copy.
func sendListener(s *specs.Spec, pid int, st specs.State, listener *os.File) error {
	defer listener.Close()
	if s.Linux == nil || s.Linux.Seccomp == nil || s.Linux.Seccomp.ListenerPath == "" {
		return errors.New("seccomp: the init sent a notify listener, but linux.seccomp.listenerPath is not set")
	}
	sc := s.Linux.Seccomp
	return seccomp.SendListener(sc.ListenerPath, seccomp.ProcessState(sc, pid, st), listener)
}

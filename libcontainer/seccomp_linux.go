package libcontainer

import (
	"errors"
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
	if sc.ListenerPath != "" || hasNotify(sc) {
		return nil, errors.New("linux.seccomp: SCMP_ACT_NOTIFY and listenerPath are not supported yet")
	}
	return seccomp.CompileCached(filepath.Join(root, ".cache", "seccomp"), sc)
}

func hasNotify(sc *specs.LinuxSeccomp) bool {
	if sc.DefaultAction == specs.ActNotify {
		return true
	}
	for _, r := range sc.Syscalls {
		if r.Action == specs.ActNotify {
			return true
		}
	}
	return false
}

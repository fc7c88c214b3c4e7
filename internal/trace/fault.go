package trace

import (
	"os"
	"sync"

	"golang.org/x/sys/unix"
)

// FaultEnv names a test hook: MYRUNC_TEST_KILL_AT=<phase> makes the
// process SIGKILL itself at the end of that phase (as --trace names it),
// and MYRUNC_TEST_KILL_AT=init:<step> the container's init after that
// step: a crash at a chosen point, for the fault tests
// (tests/integration/faults.bats). Unset, it costs one lookup.
const FaultEnv = "MYRUNC_TEST_KILL_AT"

// InitFaultPrefix marks a fault meant for the container's init.
const InitFaultPrefix = "init:"

var killAt = sync.OnceValue(func() string { return os.Getenv(FaultEnv) })

// KillAt is the phase the test hook names ("" normally).
func KillAt() string { return killAt() }

// Fault ends the process with SIGKILL if the hook names phase.
func Fault(phase string) {
	if k := killAt(); k != "" && k == phase {
		unix.Kill(os.Getpid(), unix.SIGKILL)
		// the init of a pid namespace is immune to its own SIGKILL:
		// exit_group runs no more of our code either
		unix.Exit(137)
	}
}

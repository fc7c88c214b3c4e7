package libcontainer

import (
	"fmt"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"myrunc/libcontainer/cgroups"
)

// Signal sends sig to the container's init, or with all to every process
// in its cgroup. A container without a pid namespace of its own gets
// SIGKILL on every process, as runc does: its init dying takes no other
// process with it, and those outlive the init (kill --all reaches them
// after the init is gone, too).
func (c *Container) Signal(sig unix.Signal, all bool) error {
	if err := c.lockUsable(); err != nil {
		return err
	}
	defer c.Unlock()
	st := c.Status()
	if st == Creating {
		return &stateError{"kill", c.id, st}
	}
	if all || (sig == unix.SIGKILL && c.sharesPidNS()) {
		return c.signalEvery(sig, st)
	}
	if !st.allows("kill") {
		return fmt.Errorf("cannot kill container %q: %w", c.id, ErrNotRunning)
	}
	if err := unix.Kill(c.state.Pid, sig); err != nil {
		return fmt.Errorf("signal %d to container %q init (pid %d): %w", sig, c.id, c.state.Pid, err)
	}
	if sig == unix.SIGKILL && st == Paused {
		return c.thawKilled()
	}
	return nil
}

// sharesPidNS says the container has no pid namespace of its own (none,
// or one joined by path).
func (c *Container) sharesPidNS() bool {
	s, err := c.Config()
	if err != nil || s.Linux == nil {
		return err == nil
	}
	for _, ns := range s.Linux.Namespaces {
		if ns.Type == specs.PIDNamespace {
			return ns.Path != ""
		}
	}
	return true
}

// thawKilled thaws a paused container just sent SIGKILL: a process in a
// v1 freezer cgroup does not die until it is thawed. The signal is sent
// first, so no process runs again before it is pending.
func (c *Container) thawKilled() error {
	m, err := cgroups.Load(c.state.CgroupPath)
	if err != nil {
		return err
	}
	if err := m.Freeze(false); err != nil {
		return fmt.Errorf("thaw killed container %q: %w", c.id, err)
	}
	return nil
}

// signalEvery signals every process in the container's cgroup, the init
// too (a rootless container may have no cgroup). The cgroup is frozen
// meanwhile, so that no process forks one the signal misses; a paused
// container stays frozen, unless the signal is SIGKILL, which a frozen
// process only acts on once thawed.
func (c *Container) signalEvery(sig unix.Signal, st Status) error {
	m, err := cgroups.Load(c.state.CgroupPath)
	if err != nil {
		return err
	}
	paused := st == Paused
	if !paused {
		// a freeze that fails (no freezer) still lets the signals go
		_ = m.Freeze(true)
	}
	// an unreadable cgroup still lets the init be signalled
	pids, err := m.Pids()
	if init := c.pidAlive(); init != 0 && !containsPid(pids, init) {
		pids = append(pids, init)
	}
	for _, pid := range pids {
		if serr := signalProcess(pid, sig); serr != nil && err == nil {
			err = fmt.Errorf("signal %d to pid %d: %w", sig, pid, serr)
		}
	}
	if !paused || sig == unix.SIGKILL {
		if terr := m.Freeze(false); terr != nil && err == nil {
			err = fmt.Errorf("thaw container %q: %w", c.id, terr)
		}
	}
	if err == nil && len(pids) == 0 {
		return fmt.Errorf("cannot kill container %q: %w", c.id, ErrNotRunning)
	}
	return err
}

func containsPid(pids []int, pid int) bool {
	for _, p := range pids {
		if p == pid {
			return true
		}
	}
	return false
}

package libcontainer

import (
	"fmt"

	"golang.org/x/sys/unix"

	"myrunc/libcontainer/cgroups"
)

// Signal sends sig to the container's init, or with all to every process
// in its cgroup.
func (c *Container) Signal(sig unix.Signal, all bool) error {
	if err := c.lockUsable(); err != nil {
		return err
	}
	defer c.Unlock()
	st := c.Status()
	if !st.allows("kill") {
		return fmt.Errorf("cannot kill container %q: %w", c.id, ErrNotRunning)
	}
	if all {
		if err := c.signalAll(sig); err != nil {
			return err
		}
	} else if err := unix.Kill(c.state.Pid, sig); err != nil {
		return fmt.Errorf("signal %d to container %q init (pid %d): %w", sig, c.id, c.state.Pid, err)
	}
	if sig == unix.SIGKILL && st == Paused {
		return c.thawKilled()
	}
	return nil
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

// signalAll signals every process in the cgroup. A frozen process acts
// on the signal once thawed (Signal thaws a paused container for SIGKILL).
func (c *Container) signalAll(sig unix.Signal) error {
	m, err := cgroups.Load(c.state.CgroupPath)
	if err != nil {
		return err
	}
	pids, err := m.Pids()
	if err != nil {
		return err
	}
	if len(pids) == 0 {
		pids = []int{c.state.Pid}
	}
	for _, pid := range pids {
		if err := signalProcess(pid, sig); err != nil {
			return fmt.Errorf("signal %d to pid %d: %w", sig, pid, err)
		}
	}
	return nil
}

package libcontainer

import (
	"fmt"

	"myrunc/libcontainer/cgroups"
)

// Pause freezes every process of a running container with the cgroup
// freezer. It returns once the freeze is complete (on cgroup v1 the
// freezer goes FREEZING then FROZEN; on v2 cgroup.events says frozen).
func (c *Container) Pause() error {
	return c.setFrozen("pause", true)
}

// Resume thaws a paused container.
func (c *Container) Resume() error {
	return c.setFrozen("resume", false)
}

func (c *Container) setFrozen(op string, frozen bool) error {
	if err := c.lockUsable(); err != nil {
		return err
	}
	defer c.Unlock()
	if st := c.Status(); !st.allows(op) {
		return &stateError{op, c.id, st}
	}
	m, err := cgroups.Load(c.state.CgroupPath)
	if err != nil {
		return err
	}
	if err := m.Freeze(frozen); err != nil {
		return fmt.Errorf("%s container %q: %w", op, c.id, err)
	}
	return nil
}

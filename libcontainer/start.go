package libcontainer

import (
	"log/slog"
	"os"
	"path/filepath"

	"myrunc/internal/trace"
	"myrunc/libcontainer/hooks"
)

// Start releases a created container's init to exec the user process,
// then runs the poststart hooks. A failing poststart hook is a warning:
// runtime-spec says the lifecycle goes on.
func (c *Container) Start() error {
	if err := c.lockUsable(); err != nil {
		return err
	}
	defer c.Unlock()
	if st := c.Status(); !st.allows("start") {
		return &stateError{"start", c.id, st}
	}
	if err := c.releaseInit(); err != nil {
		return err
	}
	trace.Mark("released init")
	st := c.OCIState()
	st.Status = "running"
	if err := hooks.Run(c.state.Hooks, hooks.Poststart, st); err != nil {
		slog.Warn("poststart hook failed", "container", c.id, "error", err)
	}
	return nil
}

// releaseInit opens the start gate and removes it: from now on the
// container counts as running.
func (c *Container) releaseInit() error {
	if err := c.openGate(); err != nil {
		return err
	}
	trace.Mark("init exec'd")
	return os.Remove(filepath.Join(c.dir, gateFile))
}

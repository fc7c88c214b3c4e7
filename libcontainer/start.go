package libcontainer

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"

	"myrunc/libcontainer/hooks"
)

// Start releases a created container's init to exec the user process,
// then runs the poststart hooks. A failing poststart hook is a warning:
// runtime-spec says the lifecycle goes on.
func (c *Container) Start() error {
	if err := c.Lock(); err != nil {
		return err
	}
	defer c.Unlock()
	if st := c.Status(); !st.allows("start") {
		return &stateError{"start", c.id, st}
	}
	if err := c.releaseInit(); err != nil {
		return err
	}
	st := c.OCIState()
	st.Status = "running"
	if err := hooks.Run(c.state.Config.Hooks, hooks.Poststart, st); err != nil {
		slog.Warn("poststart hook failed", "container", c.id, "error", err)
	}
	return nil
}

// releaseInit writes the byte the init waits for on the exec fifo, and
// removes the fifo: from now on the container counts as running.
func (c *Container) releaseInit() error {
	path := filepath.Join(c.dir, fifoFile)
	f := c.fifo
	if f == nil {
		var err error
		// non-blocking: with no reader (the init died) this fails at once
		// instead of hanging
		f, err = os.OpenFile(path, os.O_WRONLY|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
		if errors.Is(err, unix.ENXIO) {
			return fmt.Errorf("cannot start container %q: its init is gone", c.id)
		}
		if err != nil {
			return err
		}
	}
	defer func() {
		f.Close()
		c.fifo = nil
	}()
	if _, err := f.Write([]byte{0}); err != nil {
		return fmt.Errorf("start container %q: %w", c.id, err)
	}
	return os.Remove(path)
}

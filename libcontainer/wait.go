package libcontainer

import (
	"errors"
	"os/exec"
	"syscall"
)

// Wait waits for the init of a container this process created and
// returns its exit code, 128+signal when a signal killed it.
func (c *Container) Wait() (int, error) {
	if c.initCmd == nil {
		return -1, errors.New("only the process that created a container can wait for it")
	}
	err := c.initCmd.Wait()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		return -1, err
	}
	ws := c.initCmd.ProcessState.Sys().(syscall.WaitStatus)
	c.initCmd = nil
	if ws.Signaled() {
		return 128 + int(ws.Signal()), nil
	}
	return ws.ExitStatus(), nil
}

// InitPid is the init's pid.
func (c *Container) InitPid() int {
	if c.state == nil {
		return 0
	}
	return c.state.Pid
}

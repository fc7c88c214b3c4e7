package libcontainer

import (
	"fmt"

	"errors"
	"golang.org/x/sys/unix"
	"os/exec"
	"syscall"
)

// Wait waits for the init of a container this process created and
// returns its exit code, 128+signal when a signal killed it.
func (c *Container) Wait() (int, error) {
	if c.initCmd == nil {
		// the init is a grandchild (nsenter forked it): we reap it as its
		// subreaper
		return waitPid(c.InitPid())
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

func waitPid(pid int) (int, error) {
	var ws unix.WaitStatus
	for {
		_, err := unix.Wait4(pid, &ws, 0, nil)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return -1, fmt.Errorf("wait for container init (pid %d): %w", pid, err)
		}
		break
	}
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

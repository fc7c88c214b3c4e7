package libcontainer

import (
	"errors"
	"fmt"
	"os/exec"
	"syscall"

	"golang.org/x/sys/unix"

	"myrunc/internal/eintr"
)

// Wait waits for the init of a container this process created and
// returns its exit code, 128+signal when a signal killed it.
func (c *Container) Wait() (int, error) {
	if c.initCmd == nil {
		// the init is a grandchild (nsenter forked it): we reap it as its
		// subreaper
		return waitPid(c.InitPid())
	}
	code, err := waitCmd(c.initCmd)
	c.initCmd = nil
	return code, err
}

// waitCmd reaps a child we started and turns its end into an exit code.
func waitCmd(cmd *exec.Cmd) (int, error) {
	err := cmd.Wait()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		return -1, err
	}
	return exitCode(cmd.ProcessState.Sys().(syscall.WaitStatus)), nil
}

// waitPid reaps pid, a child or a grandchild we are subreaper of.
func waitPid(pid int) (int, error) {
	var ws unix.WaitStatus
	_, err := eintr.Retry1(func() (int, error) { return unix.Wait4(pid, &ws, 0, nil) })
	if err != nil {
		return -1, fmt.Errorf("wait for container process (pid %d): %w", pid, err)
	}
	return exitCode(syscall.WaitStatus(ws)), nil
}

// exitCode is the shell's convention: the status, or 128+signal.
func exitCode(ws syscall.WaitStatus) int {
	if ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ws.ExitStatus()
}

// InitPid is the init's pid.
func (c *Container) InitPid() int {
	if c.state == nil {
		return 0
	}
	return c.state.Pid
}

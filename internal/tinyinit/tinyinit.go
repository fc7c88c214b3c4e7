// Package tinyinit is `container run --init`'s init: this binary,
// mounted in the container as /sbin/docker-init, runs as pid 1, starts the
// command after "--", passes it the signals it gets, reaps every orphan,
// and exits with the command's status.
package tinyinit

import (
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// Main runs the init; args are its arguments ("--", command...).
func Main(args []string) {
	if len(args) > 0 && args[0] == "--" {
		args = args[1:]
	}
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, "docker-init: no command given (usage: docker-init -- COMMAND [ARG...])")
		os.Exit(1)
	}
	startDelayForTests()
	sigs := make(chan os.Signal, 32)
	signal.Notify(sigs)
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "docker-init:", err)
		if os.IsPermission(err) {
			os.Exit(126)
		}
		os.Exit(127)
	}
	child := cmd.Process.Pid
	for sig := range sigs {
		s := sig.(syscall.Signal)
		if s == unix.SIGURG { // the Go runtime's own preemption signal
			continue
		}
		if s != unix.SIGCHLD {
			unix.Kill(child, s)
			continue
		}
		for {
			var ws unix.WaitStatus
			pid, err := unix.Wait4(-1, &ws, unix.WNOHANG, nil)
			if err != nil || pid <= 0 {
				break
			}
			if pid == child {
				if ws.Signaled() {
					os.Exit(128 + int(ws.Signal()))
				}
				os.Exit(ws.ExitStatus())
			}
		}
	}
}

// startDelayEnv (milliseconds, at most a second) holds the init back
// before it catches signals: a test hook that makes the slow start of a
// loaded machine happen on demand.
const startDelayEnv = "MYRUNC_TEST_INIT_DELAY_MS"

func startDelayForTests() {
	if ms, err := strconv.Atoi(os.Getenv(startDelayEnv)); err == nil && ms > 0 {
		time.Sleep(time.Duration(min(ms, 1000)) * time.Millisecond)
	}
}

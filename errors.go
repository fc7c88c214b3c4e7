package main

import (
	"errors"
	"fmt"
	"log/slog"
	"os"

	"github.com/urfave/cli/v2"
)

// exitError ends the process with a code and no message (run's exit code).
type exitError struct{ code int }

func (e *exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// reportError logs err once and returns the exit code. Messages keep the
// words engines match on ("executable file not found", "permission
// denied", "container not running", "does not exist").
func reportError(err error) int {
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	var ce cli.ExitCoder
	if errors.As(err, &ce) && err.Error() == "" {
		return ce.ExitCode()
	}
	slog.Error(err.Error())
	if !logToStderr {
		fmt.Fprintln(os.Stderr, "myrunc:", err)
	}
	return 1
}

package main

import (
	"log/slog"
	"os"
	"os/signal"
	"time"

	"github.com/urfave/cli/v2"
	"golang.org/x/sys/unix"
)

var runCommand = &cli.Command{
	Name:      "run",
	Usage:     "create and start a container; in the foreground, wait for it and remove it",
	ArgsUsage: "<container-id>",
	Flags: append([]cli.Flag{
		&cli.BoolFlag{Name: "detach", Aliases: []string{"d"}, Usage: "return once the container runs"},
		&cli.BoolFlag{Name: "keep", Usage: "keep the stopped container (do not delete it)"},
	}, createFlags...),
	Action: func(c *cli.Context) error {
		// an init forked by nsenter is our grandchild: adopt it to wait for it
		if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
			return os.NewSyscallError("prctl(PR_SET_CHILD_SUBREAPER)", err)
		}
		ct, err := createContainer(c)
		if err != nil {
			return err
		}
		var sigs chan os.Signal
		if !c.Bool("detach") {
			// subscribe before start, so no signal meant for the container is lost
			sigs = make(chan os.Signal, 16)
			signal.Notify(sigs)
		}
		t0 := time.Now()
		if err := ct.Start(); err != nil {
			ct.Delete(true)
			return err
		}
		if c.Bool("detach") {
			return nil
		}
		go forwardSignals(sigs, ct.InitPid())
		slog.Debug("phase", "start", time.Since(t0))
		code, err := ct.Wait()
		if err != nil {
			return err
		}
		slog.Debug("phase", "wait", time.Since(t0))
		if !c.Bool("keep") {
			if err := ct.Delete(true); err != nil {
				return err
			}
			slog.Debug("phase", "delete", time.Since(t0))
		}
		return &exitError{code}
	},
}

// forwardSignals passes what we receive to the container's init, as a
// shell passes signals to its foreground job. SIGCHLD is ours, SIGURG
// the Go runtime's, SIGPIPE and SIGWINCH not the container's business.
func forwardSignals(sigs chan os.Signal, pid int) {
	for s := range sigs {
		sig := s.(unix.Signal)
		switch sig {
		case unix.SIGCHLD, unix.SIGURG, unix.SIGPIPE, unix.SIGWINCH:
			continue
		}
		unix.Kill(pid, sig)
	}
}

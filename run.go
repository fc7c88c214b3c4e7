package main

import (
	"os"
	"os/signal"

	"github.com/urfave/cli/v2"
	"golang.org/x/sys/unix"

	"myrunc/internal/signals"
	"myrunc/internal/trace"
	"myrunc/libcontainer/console"
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
		var sigs chan os.Signal
		subscribed := make(chan struct{})
		if !c.Bool("detach") {
			// subscribed before start, so no signal meant for the container
			// is lost; meanwhile, as setting it up takes a while, create runs
			sigs = make(chan os.Signal, 16)
			go func() { signal.Notify(sigs, forwarded...); close(subscribed) }()
		} else {
			close(subscribed)
		}
		ct, err := createContainer(c, !c.Bool("detach"))
		if err != nil {
			return err
		}
		<-subscribed
		detachTerminal := func() {}
		if m := ct.Console(); m != nil {
			if detachTerminal, err = console.Attach(m); err != nil {
				ct.Delete(true)
				return err
			}
		}
		if err := ct.Start(); err != nil {
			ct.Delete(true)
			return err
		}
		if c.Bool("detach") {
			return nil
		}
		go forwardSignals(sigs, ct.InitPid())
		trace.Mark("started")
		code, err := ct.Wait()
		detachTerminal()
		if err != nil {
			return err
		}
		trace.Mark("container exited")
		if !c.Bool("keep") {
			if err := ct.Delete(true); err != nil {
				return err
			}
			trace.Mark("deleted")
		}
		return &exitError{code}
	},
}

// forwarded are the signals a foreground run passes to the container's init.
var forwarded = signals.Forwarded

func forwardSignals(sigs chan os.Signal, pid int) {
	for s := range sigs {
		unix.Kill(pid, s.(unix.Signal))
	}
}

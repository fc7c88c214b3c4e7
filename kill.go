package main

import (
	"fmt"

	"github.com/urfave/cli/v2"
	"golang.org/x/sys/unix"

	"myrunc/internal/signals"
	"myrunc/libcontainer"
)

var killCommand = &cli.Command{
	Name:      "kill",
	Usage:     "send a signal (default SIGTERM) to a container's init, or with --all to all its processes",
	ArgsUsage: "<container-id> [signal]",
	Flags: []cli.Flag{
		&cli.BoolFlag{Name: "all", Aliases: []string{"a"}, Usage: "signal every process in the container"},
	},
	Action: func(c *cli.Context) error {
		if c.NArg() < 1 || c.NArg() > 2 {
			return fmt.Errorf("kill: expects a container id and an optional signal, got %d arguments", c.NArg())
		}
		sig := unix.SIGTERM
		if c.NArg() == 2 {
			var err error
			if sig, err = parseSignal(c.Args().Get(1)); err != nil {
				return err
			}
		}
		ct, err := libcontainer.Load(c.String("root"), c.Args().First())
		if err != nil {
			return err
		}
		return ct.Signal(sig, c.Bool("all"))
	},
}

// parseSignal takes 9, KILL, SIGKILL (any case), and 0, which only asks
// whether the process is there (as kill(1) and runc take it).
func parseSignal(s string) (unix.Signal, error) {
	if s == "0" {
		return 0, nil
	}
	return signals.Parse(s)
}

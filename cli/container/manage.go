package container

import (
	"fmt"
	"strconv"

	"github.com/urfave/cli/v2"

	"myrunc/engine"
)

var startCommand = &cli.Command{
	Name:      "start",
	Usage:     "start one or more stopped containers",
	ArgsUsage: "[OPTIONS] CONTAINER [CONTAINER...]",
	Flags: []cli.Flag{
		&cli.BoolFlag{Name: "attach", Aliases: []string{"a"}, Usage: "attach STDOUT/STDERR and forward signals"},
		&cli.BoolFlag{Name: "interactive", Aliases: []string{"i"}, Usage: "attach container's STDIN"},
	},
	Action: func(c *cli.Context) error {
		if !c.Bool("attach") && !c.Bool("interactive") {
			return eachArg(c, func(e *engine.Engine, ref string) error { _, _, err := e.Start(ref, false); return err })
		}
		return withEngine(1, func(c *cli.Context, e *engine.Engine) error {
			if c.NArg() > 1 {
				return fmt.Errorf("you cannot start and attach multiple containers at once")
			}
			ct, err := e.Get(c.Args().First())
			if err != nil {
				return err
			}
			if ct.State.Running() {
				return fmt.Errorf("container %s is already running: attaching to a running container is not supported", ct.Name)
			}
			return attachRun(e, ct.ID, ct.Config.Tty, c.Bool("interactive") && ct.Config.OpenStdin, ct.HostConfig.AutoRemove)
		})(c)
	},
}

var stopCommand = &cli.Command{
	Name:      "stop",
	Usage:     "stop one or more running containers (the stop signal, then SIGKILL after a grace period)",
	ArgsUsage: "[OPTIONS] CONTAINER [CONTAINER...]",
	Flags: []cli.Flag{
		&cli.IntFlag{Name: "time", Aliases: []string{"t"}, Value: -1, Usage: "seconds to wait before killing the container (default 10)"},
		&cli.StringFlag{Name: "signal", Aliases: []string{"s"}, Usage: "signal to send (default: the image's StopSignal or SIGTERM)"},
	},
	Action: func(c *cli.Context) error {
		return eachArg(c, func(e *engine.Engine, ref string) error { return e.Stop(ref, c.Int("time"), c.String("signal")) })
	},
}

var restartCommand = &cli.Command{
	Name:      "restart",
	Usage:     "restart one or more containers",
	ArgsUsage: "[OPTIONS] CONTAINER [CONTAINER...]",
	Flags: []cli.Flag{
		&cli.IntFlag{Name: "time", Aliases: []string{"t"}, Value: -1, Usage: "seconds to wait before killing the container (default 10)"},
	},
	Action: func(c *cli.Context) error {
		return eachArg(c, func(e *engine.Engine, ref string) error { return e.Restart(ref, c.Int("time")) })
	},
}

var killCommand = &cli.Command{
	Name:      "kill",
	Usage:     "kill one or more running containers",
	ArgsUsage: "[OPTIONS] CONTAINER [CONTAINER...]",
	Flags: []cli.Flag{
		&cli.StringFlag{Name: "signal", Aliases: []string{"s"}, Value: "KILL", Usage: "signal to send to the container"},
	},
	Action: func(c *cli.Context) error {
		if _, err := engine.ParseSignal(c.String("signal")); err != nil {
			return fail(1, err)
		}
		return eachArg(c, func(e *engine.Engine, ref string) error { return e.Kill(ref, c.String("signal")) })
	},
}

var rmCommand = &cli.Command{
	Name:      "rm",
	Aliases:   []string{"remove"},
	Usage:     "remove one or more containers",
	ArgsUsage: "[OPTIONS] CONTAINER [CONTAINER...]",
	Flags: []cli.Flag{
		&cli.BoolFlag{Name: "force", Aliases: []string{"f"}, Usage: "force the removal of a running container (uses SIGKILL)"},
		&cli.BoolFlag{Name: "volumes", Aliases: []string{"v"}, Usage: "remove anonymous volumes associated with the container"},
	},
	Action: func(c *cli.Context) error {
		return eachArg(c, func(e *engine.Engine, ref string) error {
			err := e.Remove(ref, c.Bool("force"), c.Bool("volumes"))
			if c.Bool("force") && engine.IsNotFound(err) {
				return errSilent // Docker's rm -f: a missing container is no error
			}
			return err
		})
	},
}

var waitCommand = &cli.Command{
	Name:      "wait",
	Usage:     "block until one or more containers stop, then print their exit codes",
	ArgsUsage: "CONTAINER [CONTAINER...]",
	Action: func(c *cli.Context) error {
		return forEach(c, func(e *engine.Engine, ref string) (string, error) {
			code, err := e.Wait(ref)
			return strconv.Itoa(code), err
		})
	},
}

var pauseCommand = &cli.Command{
	Name:      "pause",
	Usage:     "pause all processes within one or more containers",
	ArgsUsage: "CONTAINER [CONTAINER...]",
	Action: func(c *cli.Context) error {
		return eachArg(c, func(e *engine.Engine, ref string) error { return e.Pause(ref) })
	},
}

var unpauseCommand = &cli.Command{
	Name:      "unpause",
	Usage:     "unpause all processes within one or more containers",
	ArgsUsage: "CONTAINER [CONTAINER...]",
	Action: func(c *cli.Context) error {
		return eachArg(c, func(e *engine.Engine, ref string) error { return e.Unpause(ref) })
	},
}

var renameCommand = &cli.Command{
	Name:      "rename",
	Usage:     "rename a container",
	ArgsUsage: "CONTAINER NEW_NAME",
	Action: withEngine(2, func(c *cli.Context, e *engine.Engine) error {
		if c.NArg() != 2 {
			return exactArgs(c, 2)
		}
		return e.Rename(c.Args().Get(0), c.Args().Get(1))
	}),
}

var pruneCommand = &cli.Command{
	Name:  "prune",
	Usage: "remove all stopped containers",
	Flags: []cli.Flag{
		&cli.BoolFlag{Name: "force", Aliases: []string{"f"}, Usage: "do not prompt for confirmation"},
		&cli.StringSliceFlag{Name: "filter", Usage: "label=KEY[=VALUE] or until=TIME"},
	},
	Action: func(c *cli.Context) error {
		e, err := openEngine(c)
		if err != nil {
			return fail(1, err)
		}
		if !c.Bool("force") && !confirm("WARNING! This will remove all stopped containers.\nAre you sure you want to continue? [y/N] ") {
			return nil
		}
		ids, space, err := e.Prune(c.StringSlice("filter"))
		printPruned("Containers", ids, space)
		if err != nil {
			return fail(1, err)
		}
		return nil
	},
}

// confirm asks on the terminal; no answer (no terminal) is no.
func confirm(q string) bool {
	fmt.Print(q)
	var answer string
	fmt.Scanln(&answer)
	return answer == "y" || answer == "Y" || answer == "yes"
}

// Package container is `myrunc container ...` and `myrunc volume ...`:
// Docker's verbs and flags (engine-cli.md) over myrunc/engine.
package container

import (
	"errors"
	"fmt"
	"os"

	"github.com/urfave/cli/v2"
	"golang.org/x/sys/unix"

	"myrunc/engine"
)

// Command is the `container` command group.
var Command = &cli.Command{
	Name:  "container",
	Usage: "run and manage containers from images (docker-like)",
	Subcommands: withUsageExit([]*cli.Command{
		runCommand, createCommand, startCommand, stopCommand, restartCommand, killCommand, rmCommand,
		lsCommand, waitCommand, logsCommand, execCommand, inspectCommand, topCommand, statsCommand,
		cpCommand, commitCommand, portCommand, renameCommand, pauseCommand, unpauseCommand,
		pruneCommand, monitorCommand,
	}),
}

// withUsageExit makes a bad flag exit 125, as Docker's CLI does.
func withUsageExit(cmds []*cli.Command) []*cli.Command {
	for _, c := range cmds {
		c.OnUsageError = func(ctx *cli.Context, err error, _ bool) error {
			return fail(125, fmt.Errorf("%w\nSee 'myrunc container %s --help'.", err, ctx.Command.Name))
		}
		c.UseShortOptionHandling = true
	}
	return cmds
}

// fail prints err and makes the command exit with code.
func fail(code int, err error) error {
	fmt.Fprintln(os.Stderr, "myrunc:", err)
	return cli.Exit("", code)
}

// failFor picks the exit code of an engine error: the one it carries, or
// def (125 for run/create/start, 1 for the others, as Docker's).
func failFor(def int, err error) error {
	var ee *engine.ExitError
	if errors.As(err, &ee) {
		return fail(ee.Code, ee.Err)
	}
	var ue *engine.UsageError
	if errors.As(err, &ue) {
		return fail(125, err)
	}
	return fail(def, err)
}

func openEngine(c *cli.Context) (*engine.Engine, error) {
	return engine.Open(c.String("data-root"), c.String("root"))
}

// needArgs checks the number of arguments, Docker's way.
func needArgs(c *cli.Context, min int) error {
	if c.NArg() < min {
		return fail(125, fmt.Errorf("\"container %s\" requires at least %d argument(s).\nUsage:  myrunc container %s %s",
			c.Command.Name, min, c.Command.Name, c.Command.ArgsUsage))
	}
	return nil
}

func exactArgs(c *cli.Context, n int) error {
	if c.NArg() != n {
		return fail(125, fmt.Errorf("\"container %s\" requires exactly %d argument(s).\nUsage:  myrunc container %s %s",
			c.Command.Name, n, c.Command.Name, c.Command.ArgsUsage))
	}
	return nil
}

// eachArg runs fn for each NAME argument, printing the name on success as
// Docker does; it fails (exit 1) if any failed.
func eachArg(c *cli.Context, fn func(e *engine.Engine, ref string) error) error {
	if err := needArgs(c, 1); err != nil {
		return err
	}
	e, err := openEngine(c)
	if err != nil {
		return fail(1, err)
	}
	failed := false
	for _, ref := range c.Args().Slice() {
		err := fn(e, ref)
		if err == errSilent {
			continue
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "myrunc:", err)
			failed = true
			continue
		}
		fmt.Println(ref)
	}
	if failed {
		return cli.Exit("", 1)
	}
	return nil
}

// errSilent skips an argument without printing it or failing.
var errSilent = errors.New("skip")

// monitorCommand is the per-container monitor: hidden, spawned by start.
var monitorCommand = &cli.Command{
	Name:      "monitor",
	Hidden:    true,
	ArgsUsage: "ID",
	Flags:     []cli.Flag{&cli.BoolFlag{Name: "attach", Usage: "fd 4 is the attach stream"}},
	Action: func(c *cli.Context) error {
		e, err := openEngine(c)
		if err != nil {
			return err
		}
		// not for the container's processes
		unix.CloseOnExec(3)
		status := os.NewFile(3, "status")
		var attach *os.File
		if c.Bool("attach") {
			unix.CloseOnExec(4)
			attach = os.NewFile(4, "attach")
		}
		return e.Monitor(c.Args().First(), status, attach)
	},
}

// Package container is `myrunc container ...` and `myrunc volume ...`:
// Docker's verbs and flags (engine-cli.md) over myrunc/engine.
package container

import (
	"cmp"
	"errors"
	"fmt"
	"os"

	units "github.com/docker/go-units"
	"github.com/urfave/cli/v2"
	"golang.org/x/sys/unix"

	"myrunc/cli/format"
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
	return forEach(c, func(e *engine.Engine, ref string) (string, error) { return ref, fn(e, ref) })
}

// forEach runs fn for each argument and prints what it returns; errors
// are printed as they come, and make the command exit 1 at the end.
func forEach(c *cli.Context, fn func(e *engine.Engine, ref string) (string, error)) error {
	if err := needArgs(c, 1); err != nil {
		return err
	}
	e, err := openEngine(c)
	if err != nil {
		return fail(1, err)
	}
	failed := false
	for _, ref := range c.Args().Slice() {
		out, err := fn(e, ref)
		if err == errSilent {
			continue
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "myrunc:", err)
			failed = true
			continue
		}
		fmt.Println(out)
	}
	if failed {
		return cli.Exit("", 1)
	}
	return nil
}

// withEngine makes an action that needs at least min arguments and the
// engine; fn's errors exit 1 (or the code they carry).
func withEngine(min int, fn func(c *cli.Context, e *engine.Engine) error) cli.ActionFunc {
	return func(c *cli.Context) error {
		if err := needArgs(c, min); err != nil {
			return err
		}
		e, err := openEngine(c)
		if err != nil {
			return fail(1, err)
		}
		if err := fn(c, e); err != nil {
			var ec cli.ExitCoder
			if errors.As(err, &ec) {
				return err
			}
			return failFor(1, err)
		}
		return nil
	}
}

// inspectAll prints what get finds for each argument as Docker's inspect
// does (the found ones, then an error for the first one not found).
func inspectAll(c *cli.Context, get func(string) (any, error)) error {
	var values []any
	var firstErr error
	for _, ref := range c.Args().Slice() {
		v, err := get(ref)
		if err != nil {
			firstErr = cmp.Or(firstErr, err)
			continue
		}
		values = append(values, v)
	}
	if err := format.Inspect(os.Stdout, c.String("format"), values); err != nil {
		return err
	}
	return firstErr
}

// printPruned is Docker's prune report.
func printPruned(what string, names []string, space int64) {
	if len(names) > 0 {
		fmt.Printf("Deleted %s:\n", what)
		for _, n := range names {
			fmt.Println(n)
		}
		fmt.Println()
	}
	fmt.Printf("Total reclaimed space: %s\n", units.HumanSize(float64(space)))
}

// errSilent skips an argument without printing it or failing.
var errSilent = errors.New("skip")

// monitorCommand is the per-container monitor: hidden, spawned by start.
var monitorCommand = &cli.Command{
	Name:      "monitor",
	Hidden:    true,
	ArgsUsage: "ID",
	Flags: []cli.Flag{
		&cli.BoolFlag{Name: "attach", Usage: "fd 4 is the attach stream"},
		&cli.StringFlag{Name: "tty-size", Usage: "ROWSxCOLS: the pty's size before the start"},
	},
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
		var size *engine.TTYSize
		if v := c.String("tty-size"); v != "" {
			var s engine.TTYSize
			if _, err := fmt.Sscanf(v, "%dx%d", &s.Rows, &s.Cols); err != nil {
				return fmt.Errorf("--tty-size %q: want ROWSxCOLS", v)
			}
			size = &s
		}
		return e.Monitor(c.Args().First(), status, attach, size)
	},
}

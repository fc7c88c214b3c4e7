//go:build engine

package main

import (
	"errors"
	"fmt"
	"log/slog"
	"os"

	"github.com/urfave/cli/v2"

	"myrunc/engine"
)

// containerCommand is `myrunc container`: for now a foreground `run --rm`
// from the image store (the engine's records, detached containers and
// networks come with the engine).
var containerCommand = &cli.Command{
	Name:  "container",
	Usage: "run containers from images (docker-like)",
	Subcommands: []*cli.Command{{
		Name:      "run",
		Usage:     "run a command in a new container from an image, in the foreground",
		ArgsUsage: "IMAGE [COMMAND [ARG...]]",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "rm", Usage: "remove the container when it exits (required for now)"},
			&cli.StringFlag{Name: "network", Value: "none", Usage: "none or host"},
			&cli.StringSliceFlag{Name: "env", Aliases: []string{"e"}, Usage: "set K=V (K alone: unset)"},
			&cli.StringFlag{Name: "workdir", Aliases: []string{"w"}, Usage: "working directory"},
			&cli.StringFlag{Name: "user", Aliases: []string{"u"}, Usage: "USER[:GROUP], names from the image's /etc/passwd"},
			&cli.StringFlag{Name: "entrypoint", Usage: "replace the image's entrypoint"},
			&cli.StringFlag{Name: "hostname", Usage: "container hostname"},
			&cli.BoolFlag{Name: "tty", Aliases: []string{"t"}, Usage: "allocate a pseudo-terminal"},
			&cli.BoolFlag{Name: "interactive", Aliases: []string{"i"}, Usage: "keep stdin open (it always is in the foreground)"},
		},
		Action: containerRun,
	}},
}

func containerRun(c *cli.Context) error {
	fail := func(code int, err error) error {
		slog.Error(err.Error())
		if !logToStderr {
			fmt.Fprintln(os.Stderr, "myrunc:", err)
		}
		return &exitError{code}
	}
	if c.NArg() < 1 {
		return fail(125, errors.New("\"container run\" requires at least 1 argument: IMAGE [COMMAND [ARG...]]"))
	}
	if !c.Bool("rm") {
		return fail(125, errors.New("container run: only --rm (a foreground container removed at exit) works until the engine's container records land"))
	}
	o := engine.RunOptions{
		Image: c.Args().First(), DataRoot: c.String("data-root"), StateRoot: c.String("root"),
		Overrides: engine.Overrides{
			Args: c.Args().Tail(), Env: c.StringSlice("env"), Workdir: c.String("workdir"), User: c.String("user"),
			Tty: c.Bool("tty"), Hostname: c.String("hostname"), Network: c.String("network"),
		},
	}
	if c.IsSet("entrypoint") {
		e := c.String("entrypoint")
		o.Entrypoint = &e
	}
	code, err := engine.Run(o)
	var ee *engine.ExitError
	if errors.As(err, &ee) {
		return fail(ee.Code, ee.Err)
	}
	if err != nil {
		return fail(125, err)
	}
	return &exitError{code}
}

package container

import (
	"github.com/urfave/cli/v2"

	"myrunc/engine"
)

var execCommand = &cli.Command{
	Name:      "exec",
	Usage:     "execute a command in a running container",
	ArgsUsage: "[OPTIONS] CONTAINER COMMAND [ARG...]",
	Flags: []cli.Flag{
		&cli.BoolFlag{Name: "detach", Aliases: []string{"d"}, Usage: "detached mode: run command in the background"},
		&cli.BoolFlag{Name: "interactive", Aliases: []string{"i"}, Usage: "keep STDIN open even if not attached"},
		&cli.BoolFlag{Name: "tty", Aliases: []string{"t"}, Usage: "allocate a pseudo-TTY"},
		&cli.StringSliceFlag{Name: "env", Aliases: []string{"e"}, Usage: "set environment variables"},
		&cli.StringFlag{Name: "user", Aliases: []string{"u"}, Usage: "username or UID (format: <name|uid>[:<group|gid>])"},
		&cli.StringFlag{Name: "workdir", Aliases: []string{"w"}, Usage: "working directory inside the container"},
	},
	Action: func(c *cli.Context) error {
		if err := needArgs(c, 2); err != nil {
			return err
		}
		e, err := openEngine(c)
		if err != nil {
			return fail(1, err)
		}
		code, err := e.Exec(c.Args().First(), engine.ExecOptions{Cmd: c.Args().Tail(), Detach: c.Bool("detach"),
			Interactive: c.Bool("interactive"), Tty: c.Bool("tty"), Env: c.StringSlice("env"),
			User: c.String("user"), Workdir: c.String("workdir")})
		if err != nil {
			return failFor(1, err)
		}
		if code != 0 {
			return cli.Exit("", code)
		}
		return nil
	},
}

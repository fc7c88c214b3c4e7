package container

import (
	"fmt"
	"os"
	"os/signal"
	"time"

	"github.com/urfave/cli/v2"
	"golang.org/x/sys/unix"

	"myrunc/cli/format"
	"myrunc/engine"
)

var topCommand = &cli.Command{
	Name:      "top",
	Usage:     "display the running processes of a container",
	ArgsUsage: "CONTAINER [ps OPTIONS]",
	Action: withEngine(1, func(c *cli.Context, e *engine.Engine) error {
		out, err := e.Top(c.Args().First(), c.Args().Tail())
		fmt.Print(out)
		return err
	}),
}

var statsCommand = &cli.Command{
	Name:      "stats",
	Usage:     "display a live stream of container(s) resource usage statistics",
	ArgsUsage: "[OPTIONS] [CONTAINER...]",
	Flags: []cli.Flag{
		&cli.BoolFlag{Name: "no-stream", Usage: "disable streaming stats and only pull the first result"},
		&cli.BoolFlag{Name: "all", Aliases: []string{"a"}, Usage: "show all containers (default shows just running)"},
		&cli.StringFlag{Name: "format", Usage: "format output using a Go template, table, or json"},
		&cli.BoolFlag{Name: "no-trunc", Usage: "do not truncate output"},
	},
	Action: func(c *cli.Context) error {
		e, err := openEngine(c)
		if err != nil {
			return fail(1, err)
		}
		var list []*engine.Container
		if c.NArg() > 0 {
			for _, ref := range c.Args().Slice() {
				ct, err := e.Get(ref)
				if err != nil {
					return fail(1, err)
				}
				list = append(list, ct)
			}
		} else {
			all, err := e.List()
			if err != nil {
				return fail(1, err)
			}
			for _, ct := range all {
				if c.Bool("all") || ct.State.Running() {
					list = append(list, ct)
				}
			}
		}
		stop := make(chan os.Signal, 1)
		signal.Notify(stop, unix.SIGINT, unix.SIGTERM)
		interval := 500 * time.Millisecond
		for {
			rows := e.Stats(list, interval)
			anys := make([]any, len(rows))
			for i, r := range rows {
				anys[i] = r
			}
			if !c.Bool("no-stream") {
				fmt.Print("\033[2J\033[H")
			}
			err := format.Table(os.Stdout, c.String("format"),
				"{{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDs}}",
				map[string]string{"Container": "CONTAINER", "ID": "CONTAINER ID", "Name": "NAME", "CPUPerc": "CPU %",
					"MemUsage": "MEM USAGE / LIMIT", "MemPerc": "MEM %", "NetIO": "NET I/O", "BlockIO": "BLOCK I/O", "PIDs": "PIDS"},
				anys)
			if err != nil {
				return fail(1, err)
			}
			if c.Bool("no-stream") {
				return nil
			}
			select {
			case <-stop:
				return nil
			case <-time.After(interval):
			}
			for i, ct := range list {
				if cur, err := e.Get(ct.ID); err == nil {
					list[i] = cur
				}
			}
		}
	},
}

var cpCommand = &cli.Command{
	Name:      "cp",
	Usage:     "copy files/folders between a container and the local filesystem",
	ArgsUsage: "CONTAINER:SRC_PATH DEST_PATH | SRC_PATH CONTAINER:DEST_PATH",
	Flags: []cli.Flag{
		&cli.BoolFlag{Name: "archive", Aliases: []string{"a"}, Usage: "accepted for compatibility (owners are kept as copied by root)"},
		&cli.BoolFlag{Name: "follow-link", Aliases: []string{"L"}, Usage: "accepted for compatibility"},
	},
	Action: withEngine(2, func(c *cli.Context, e *engine.Engine) error {
		if c.NArg() != 2 {
			return exactArgs(c, 2)
		}
		return e.Copy(c.Args().Get(0), c.Args().Get(1))
	}),
}

var commitCommand = &cli.Command{
	Name:      "commit",
	Usage:     "create a new image from a container's changes",
	ArgsUsage: "[OPTIONS] CONTAINER [REPOSITORY[:TAG]]",
	Flags: []cli.Flag{
		&cli.StringSliceFlag{Name: "change", Aliases: []string{"c"}, Usage: "apply a Dockerfile instruction to the created image"},
		&cli.StringFlag{Name: "message", Aliases: []string{"m"}, Usage: "commit message"},
		&cli.StringFlag{Name: "author", Aliases: []string{"a"}, Usage: "author"},
		&cli.BoolFlag{Name: "pause", Aliases: []string{"p"}, Value: true, Usage: "pause the container during commit"},
	},
	Action: withEngine(1, func(c *cli.Context, e *engine.Engine) error {
		id, err := e.Commit(c.Args().Get(0), c.Args().Get(1), engine.CommitOptions{Changes: c.StringSlice("change"),
			Message: c.String("message"), Author: c.String("author"), Pause: c.Bool("pause")})
		if err == nil {
			fmt.Println(id)
		}
		return err
	}),
}

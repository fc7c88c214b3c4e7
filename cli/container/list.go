package container

import (
	"fmt"
	"os"
	"time"

	"github.com/urfave/cli/v2"

	"myrunc/cli/format"
	"myrunc/engine"
	"myrunc/image"
)

var lsCommand = &cli.Command{
	Name:    "ls",
	Aliases: []string{"list", "ps"},
	Usage:   "list containers",
	Flags: []cli.Flag{
		&cli.BoolFlag{Name: "all", Aliases: []string{"a"}, Usage: "show all containers (default shows just running)"},
		&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "only display container IDs"},
		&cli.StringFlag{Name: "format", Usage: "format output using a Go template, table, or json"},
		&cli.StringSliceFlag{Name: "filter", Aliases: []string{"f"}, Usage: "filter output: status=, name=, label=, ancestor=, id=, exited="},
		&cli.BoolFlag{Name: "no-trunc", Usage: "don't truncate output"},
		&cli.BoolFlag{Name: "latest", Aliases: []string{"l"}, Usage: "show the latest created container"},
		&cli.IntFlag{Name: "last", Aliases: []string{"n"}, Value: -1, Usage: "show n last created containers"},
	},
	Action: func(c *cli.Context) error {
		e, err := openEngine(c)
		if err != nil {
			return fail(1, err)
		}
		filters, err := engine.ParseFilters(c.StringSlice("filter"))
		if err != nil {
			return fail(1, err)
		}
		list, err := e.List()
		if err != nil {
			return fail(1, err)
		}
		images, _ := image.Open(c.String("data-root"))
		all := c.Bool("all") || c.Bool("latest") || c.Int("last") >= 0
		hasStatus := false
		for _, f := range filters {
			hasStatus = hasStatus || f.Key == "status"
		}
		now := time.Now()
		var rows []any
		for _, ct := range list {
			if !all && !hasStatus && !ct.State.Running() {
				continue
			}
			if !e.Matches(ct, filters, images) {
				continue
			}
			rows = append(rows, e.ListRow(ct, !c.Bool("no-trunc"), now))
		}
		n := c.Int("last")
		if c.Bool("latest") {
			n = 1
		}
		if n >= 0 && len(rows) > n {
			rows = rows[:n]
		}
		f := c.String("format")
		if c.Bool("quiet") {
			f = "{{.ID}}"
		}
		return format.Table(os.Stdout, f,
			"{{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}",
			map[string]string{"ID": "CONTAINER ID", "Image": "IMAGE", "Command": "COMMAND", "RunningFor": "CREATED",
				"CreatedAt": "CREATED AT", "Status": "STATUS", "Ports": "PORTS", "Names": "NAMES", "State": "STATE",
				"Labels": "LABELS", "Mounts": "MOUNTS", "Networks": "NETWORKS", "Size": "SIZE", "LocalVolumes": "LOCAL VOLUMES"},
			rows)
	},
}

var inspectCommand = &cli.Command{
	Name:      "inspect",
	Usage:     "display detailed information on one or more containers",
	ArgsUsage: "[OPTIONS] CONTAINER [CONTAINER...]",
	Flags: []cli.Flag{
		&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Usage: "format output using a Go template or json"},
		&cli.BoolFlag{Name: "size", Aliases: []string{"s"}, Usage: "accepted for compatibility"},
	},
	Action: withEngine(1, func(c *cli.Context, e *engine.Engine) error {
		return inspectAll(c, func(ref string) (any, error) {
			ct, err := e.Get(ref)
			if err != nil {
				return nil, err
			}
			return e.Inspect(ct), nil
		})
	}),
}

var logsCommand = &cli.Command{
	Name:      "logs",
	Usage:     "fetch the logs of a container",
	ArgsUsage: "[OPTIONS] CONTAINER",
	Flags: []cli.Flag{
		&cli.BoolFlag{Name: "follow", Aliases: []string{"f"}, Usage: "follow log output"},
		&cli.StringFlag{Name: "tail", Aliases: []string{"n"}, Value: "all", Usage: "number of lines to show from the end of the logs"},
		&cli.BoolFlag{Name: "timestamps", Aliases: []string{"t"}, Usage: "show timestamps"},
		&cli.StringFlag{Name: "since", Usage: "show logs since timestamp (2013-01-02T13:23:37Z) or relative (42m)"},
		&cli.BoolFlag{Name: "details", Usage: "accepted for compatibility"},
	},
	Action: func(c *cli.Context) error {
		if err := exactArgs(c, 1); err != nil {
			return err
		}
		e, err := openEngine(c)
		if err != nil {
			return fail(1, err)
		}
		o := engine.LogsOptions{Follow: c.Bool("follow"), Timestamps: c.Bool("timestamps"), Tail: -1}
		if t := c.String("tail"); t != "all" && t != "" {
			if _, err := fmt.Sscanf(t, "%d", &o.Tail); err != nil || o.Tail < 0 {
				o.Tail = -1
			}
		}
		if o.Since, err = engine.ParseSince(c.String("since"), time.Now()); err != nil {
			return fail(1, err)
		}
		if err := e.Logs(c.Args().First(), o, os.Stdout, os.Stderr); err != nil {
			return fail(1, err)
		}
		return nil
	},
}

var portCommand = &cli.Command{
	Name:      "port",
	Usage:     "list port mappings or a specific mapping for the container",
	ArgsUsage: "CONTAINER [PRIVATE_PORT[/PROTO]]",
	Action: func(c *cli.Context) error {
		if err := needArgs(c, 1); err != nil {
			return err
		}
		e, err := openEngine(c)
		if err != nil {
			return fail(1, err)
		}
		ct, err := e.Get(c.Args().First())
		if err != nil {
			return fail(1, err)
		}
		want := c.Args().Get(1)
		if want != "" && !containsSlash(want) {
			want += "/tcp"
		}
		found := false
		for _, line := range e.PortLines(ct) {
			var key, host string
			fmt.Sscanf(line, "%s -> %s", &key, &host)
			if want == "" {
				fmt.Println(line)
				found = true
			} else if key == want {
				fmt.Println(host)
				found = true
			}
		}
		if want != "" && !found {
			return fail(1, fmt.Errorf("No public port '%s' published for %s", want, c.Args().First()))
		}
		return nil
	},
}

func containsSlash(s string) bool {
	for _, r := range s {
		if r == '/' {
			return true
		}
	}
	return false
}

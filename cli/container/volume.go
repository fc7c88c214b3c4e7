package container

import (
	"fmt"
	"os"

	"github.com/urfave/cli/v2"

	"myrunc/cli/format"
	"myrunc/engine"
)

// VolumeCommand is the `volume` command group.
var VolumeCommand = &cli.Command{
	Name:  "volume",
	Usage: "manage named volumes",
	Subcommands: withUsageExit([]*cli.Command{
		volumeCreateCommand, volumeLsCommand, volumeInspectCommand, volumeRmCommand, volumePruneCommand,
	}),
}

var volumeCreateCommand = &cli.Command{
	Name:      "create",
	Usage:     "create a volume",
	ArgsUsage: "[NAME]",
	Flags: []cli.Flag{
		&cli.StringFlag{Name: "name", Usage: "volume name"},
		&cli.StringSliceFlag{Name: "label", Usage: "set metadata for a volume (KEY=VALUE)"},
		&cli.StringFlag{Name: "driver", Aliases: []string{"d"}, Value: "local", Usage: "volume driver (local)"},
	},
	Action: func(c *cli.Context) error {
		e, err := openEngine(c)
		if err != nil {
			return fail(1, err)
		}
		if d := c.String("driver"); d != "local" {
			return fail(1, fmt.Errorf("volume driver %q: only local is supported", d))
		}
		name := c.Args().First()
		if n := c.String("name"); n != "" {
			if name != "" && name != n {
				return fail(1, fmt.Errorf("conflicting options: either specify --name or provide positional arg, not both"))
			}
			name = n
		}
		labels := map[string]string{}
		for _, l := range c.StringSlice("label") {
			k, v, _ := cutEq(l)
			labels[k] = v
		}
		v, err := e.VolumeCreate(name, labels)
		if err != nil {
			return fail(1, err)
		}
		fmt.Println(v.Name)
		return nil
	},
}

func cutEq(s string) (string, string, bool) {
	for i := range s {
		if s[i] == '=' {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

var volumeLsCommand = &cli.Command{
	Name:    "ls",
	Aliases: []string{"list"},
	Usage:   "list volumes",
	Flags: []cli.Flag{
		&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "only display volume names"},
		&cli.StringFlag{Name: "format", Usage: "format output using a Go template, table, or json"},
	},
	Action: func(c *cli.Context) error {
		e, err := openEngine(c)
		if err != nil {
			return fail(1, err)
		}
		vols, err := e.Volumes()
		if err != nil {
			return fail(1, err)
		}
		rows := make([]any, len(vols))
		for i, v := range vols {
			rows[i] = v
		}
		f := c.String("format")
		if c.Bool("quiet") {
			f = "{{.Name}}"
		}
		return format.Table(os.Stdout, f, "{{.Driver}}\t{{.Name}}",
			map[string]string{"Driver": "DRIVER", "Name": "VOLUME NAME", "Mountpoint": "MOUNTPOINT", "Scope": "SCOPE"}, rows)
	},
}

var volumeInspectCommand = &cli.Command{
	Name:      "inspect",
	Usage:     "display detailed information on one or more volumes",
	ArgsUsage: "VOLUME [VOLUME...]",
	Flags:     []cli.Flag{&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Usage: "format output using a Go template"}},
	Action: withEngine(1, func(c *cli.Context, e *engine.Engine) error {
		return inspectAll(c, func(name string) (any, error) { return e.VolumeInspect(name) })
	}),
}

var volumeRmCommand = &cli.Command{
	Name:      "rm",
	Aliases:   []string{"remove"},
	Usage:     "remove one or more volumes",
	ArgsUsage: "[OPTIONS] VOLUME [VOLUME...]",
	Flags:     []cli.Flag{&cli.BoolFlag{Name: "force", Aliases: []string{"f"}, Usage: "do not fail on a missing volume"}},
	Action: func(c *cli.Context) error {
		return eachArg(c, func(e *engine.Engine, name string) error { return e.VolumeRemove(name, c.Bool("force")) })
	},
}

var volumePruneCommand = &cli.Command{
	Name:  "prune",
	Usage: "remove unused local volumes (anonymous ones; with -a named ones too)",
	Flags: []cli.Flag{
		&cli.BoolFlag{Name: "force", Aliases: []string{"f"}, Usage: "do not prompt for confirmation"},
		&cli.BoolFlag{Name: "all", Aliases: []string{"a"}, Usage: "remove all unused volumes, not just anonymous ones"},
	},
	Action: func(c *cli.Context) error {
		e, err := openEngine(c)
		if err != nil {
			return fail(1, err)
		}
		if !c.Bool("force") && !confirm("WARNING! This will remove anonymous local volumes not used by at least one container.\nAre you sure you want to continue? [y/N] ") {
			return nil
		}
		names, space, err := e.VolumePrune(c.Bool("all"))
		printPruned("Volumes", names, space)
		if err != nil {
			return fail(1, err)
		}
		return nil
	},
}

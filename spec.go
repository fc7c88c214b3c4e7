package main

import (
	"github.com/urfave/cli/v2"

	"myrunc/spec"
)

var specCommand = &cli.Command{
	Name:  "spec",
	Usage: "write a default config.json into the bundle",
	Flags: []cli.Flag{
		&cli.StringFlag{Name: "bundle", Aliases: []string{"b"}, Value: ".", Usage: "bundle directory"},
		&cli.BoolFlag{Name: "rootless", Usage: "a config for an unprivileged user"},
	},
	Action: func(c *cli.Context) error {
		s := spec.Default()
		if c.Bool("rootless") {
			spec.ToRootless(s)
		}
		return spec.Write(c.String("bundle"), s)
	},
}

package main

import "github.com/urfave/cli/v2"

var startCommand = &cli.Command{
	Name:      "start",
	Usage:     "start the process of a created container",
	ArgsUsage: "<container-id>",
	Action: func(c *cli.Context) error {
		ct, err := getContainer(c)
		if err != nil {
			return err
		}
		return ct.Start()
	},
}

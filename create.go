package main

import "github.com/urfave/cli/v2"

var createCommand = &cli.Command{
	Name:      "create",
	Usage:     "create a container; its process waits for start",
	ArgsUsage: "<container-id>",
	Flags:     createFlags,
	Action: func(c *cli.Context) error {
		_, err := createContainer(c, false)
		return err
	},
}

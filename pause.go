package main

import (
	"github.com/urfave/cli/v2"
)

var pauseCommand = &cli.Command{
	Name:      "pause",
	Usage:     "freeze every process of a running container",
	ArgsUsage: "<container-id>",
	Action: func(c *cli.Context) error {
		ct, err := getContainer(c)
		if err != nil {
			return err
		}
		return ct.Pause()
	},
}

var resumeCommand = &cli.Command{
	Name:      "resume",
	Usage:     "thaw a paused container",
	ArgsUsage: "<container-id>",
	Action: func(c *cli.Context) error {
		ct, err := getContainer(c)
		if err != nil {
			return err
		}
		return ct.Resume()
	},
}

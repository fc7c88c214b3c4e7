package main

import (
	"errors"

	"github.com/urfave/cli/v2"

	"myrunc/libcontainer"
)

var deleteCommand = &cli.Command{
	Name:      "delete",
	Usage:     "delete a stopped container (with --force, kill it first)",
	ArgsUsage: "<container-id>",
	Flags: []cli.Flag{
		&cli.BoolFlag{Name: "force", Aliases: []string{"f"}, Usage: "kill the container if it runs"},
	},
	Action: func(c *cli.Context) error {
		ct, err := getContainer(c)
		if c.Bool("force") && errors.Is(err, libcontainer.ErrNotExist) {
			libcontainer.RemoveAbandoned(c.String("root"), c.Args().First())
			return nil // already gone, as engines expect
		}
		if err != nil {
			return err
		}
		err = ct.Delete(c.Bool("force"))
		if c.Bool("force") && errors.Is(err, libcontainer.ErrNotExist) {
			return nil
		}
		return err
	},
}

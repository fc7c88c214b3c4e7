package image

import (
	"errors"

	"github.com/urfave/cli/v2"
)

var pullCommand = &cli.Command{
	Name:      "pull",
	Usage:     "download an image from a registry",
	ArgsUsage: "NAME[:TAG|@DIGEST]",
	Action:    func(c *cli.Context) error { return errors.New("image pull: not implemented yet") },
}

var pushCommand = &cli.Command{
	Name:      "push",
	Usage:     "upload an image to a registry",
	ArgsUsage: "NAME[:TAG]",
	Action:    func(c *cli.Context) error { return errors.New("image push: not implemented yet") },
}

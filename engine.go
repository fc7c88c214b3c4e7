//go:build engine

package main

import (
	"github.com/urfave/cli/v2"

	containercli "myrunc/cli/container"
	imagecli "myrunc/cli/image"
	networkcli "myrunc/cli/network"
)

// engineCommands are the engine's command groups (engineGroups names them
// for the runtime program).
func engineCommands() []*cli.Command {
	return []*cli.Command{containercli.Command, containercli.VolumeCommand, imagecli.Command, networkcli.Command, checkCommand}
}

//go:build engine

package main

import (
	"github.com/urfave/cli/v2"

	imagecli "myrunc/cli/image"
	networkcli "myrunc/cli/network"
)

// engineCommands are the engine's command groups (engineGroups names them
// for the runtime program).
func engineCommands() []*cli.Command {
	return []*cli.Command{containerCommand, imagecli.Command, networkcli.Command}
}

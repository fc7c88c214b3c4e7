//go:build engine

package main

import (
	"github.com/urfave/cli/v2"

	imagecli "myrunc/cli/image"
	networkcli "myrunc/cli/network"
	"myrunc/libcontainer/hooks"
)

// setupEngine: when the engine program is the runtime (its containers),
// our own network hooks run in process, a process start less per hook.
func setupEngine() { hooks.Builtin = networkcli.InProcessHook }

// engineCommands are the engine's command groups (engineGroups names them
// for the runtime program).
func engineCommands() []*cli.Command {
	return []*cli.Command{containerCommand, imagecli.Command, networkcli.Command}
}

//go:build !engine

package main

import (
	"os"
	"path/filepath"

	"github.com/urfave/cli/v2"

	"myrunc/internal/enginebin"
)

// engineCommands stand in for the engine's groups: each execs the engine
// program with our arguments, which parses them again. The engine's
// copy is kept under --data-root, next to what it manages.
func engineCommands() []*cli.Command {
	cmds := make([]*cli.Command, len(engineGroups))
	for i, g := range engineGroups {
		cmds[i] = &cli.Command{Name: g.name, Usage: g.usage, SkipFlagParsing: true, HideHelp: true,
			Action: func(c *cli.Context) error {
				return enginebin.Exec(filepath.Join(c.String("data-root"), ".cache", "engine"), os.Args)
			}}
	}
	return cmds
}

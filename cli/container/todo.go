package container

import (
	"errors"

	"github.com/urfave/cli/v2"
)

func notYet(name string) *cli.Command {
	return &cli.Command{Name: name, Usage: "(not implemented yet)", Action: func(*cli.Context) error {
		return fail(1, errors.New("container "+name+": not implemented yet"))
	}}
}

var (
	topCommand    = notYet("top")
	statsCommand  = notYet("stats")
	cpCommand     = notYet("cp")
	commitCommand = notYet("commit")
)

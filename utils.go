package main

import (
	"fmt"
	"path/filepath"

	"github.com/urfave/cli/v2"

	"myrunc/internal/trace"
	"myrunc/libcontainer"
	"myrunc/spec"
)

// containerID is the command's single ID argument.
func containerID(c *cli.Context) (string, error) {
	if c.NArg() != 1 {
		return "", fmt.Errorf("%s: expects exactly one container id, got %d arguments", c.Command.Name, c.NArg())
	}
	return c.Args().First(), nil
}

func getContainer(c *cli.Context) (*libcontainer.Container, error) {
	id, err := containerID(c)
	if err != nil {
		return nil, err
	}
	return libcontainer.Load(c.String("root"), id)
}

// createFlags are shared by create and run.
var createFlags = []cli.Flag{
	&cli.StringFlag{Name: "bundle", Aliases: []string{"b"}, Value: ".", Usage: "path to the bundle directory"},
	&cli.StringFlag{Name: "pid-file", Usage: "write the container init's pid to this file"},
	&cli.StringFlag{Name: "console-socket", Usage: "unix socket to receive the pty master (terminal containers)"},
	&cli.BoolFlag{Name: "no-pivot", Usage: "use MS_MOVE and chroot instead of pivot_root"},
	&cli.BoolFlag{Name: "no-new-keyring", Usage: "keep the caller's session keyring"},
	&cli.IntFlag{Name: "preserve-fds", Usage: "pass N extra fds (from 3) to the container"},
	&cli.StringFlag{Name: "pidfd-socket", Usage: "unix socket to receive a pidfd of the container's init"},
}

// createContainer is the shared part of create and run.
func createContainer(c *cli.Context, attachConsole bool) (*libcontainer.Container, error) {
	id, err := containerID(c)
	if err != nil {
		return nil, err
	}
	if n := c.Int("preserve-fds"); n < 0 {
		return nil, fmt.Errorf("--preserve-fds: %d is negative", n)
	}
	bundle, err := filepath.Abs(c.String("bundle"))
	if err != nil {
		return nil, err
	}
	s, err := spec.Load(bundle)
	if err != nil {
		return nil, err
	}
	trace.Mark("loaded config.json")
	return libcontainer.Create(c.String("root"), id, &libcontainer.CreateOpts{
		Bundle:       bundle,
		Spec:         s,
		PidFile:      c.String("pid-file"),
		NoPivot:      c.Bool("no-pivot"),
		NoNewKeyring: c.Bool("no-new-keyring"),
		PreserveFds:  c.Int("preserve-fds"),
		// a foreground run attaches our own terminal when there is no socket
		ConsoleSocket: c.String("console-socket"),
		AttachConsole: attachConsole,
		PidfdSocket:   c.String("pidfd-socket"),
	})
}

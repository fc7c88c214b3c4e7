package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"myrunc/libcontainer"
)

// checkpoint and restore take runc's flags, so that scripts and engines
// get a clear answer rather than "no such command"; myrunc does not
// implement them yet (features says checkpoint.enabled is false).

var criuFlags = []cli.Flag{
	&cli.StringFlag{Name: "image-path", Usage: "path for the CRIU image files"},
	&cli.StringFlag{Name: "work-path", Usage: "path for CRIU's work files and logs"},
	&cli.BoolFlag{Name: "tcp-established", Usage: "allow open tcp connections"},
	&cli.BoolFlag{Name: "ext-unix-sk", Usage: "allow external unix sockets"},
	&cli.BoolFlag{Name: "shell-job", Usage: "allow shell jobs"},
	&cli.BoolFlag{Name: "file-locks", Usage: "handle file locks"},
	&cli.StringFlag{Name: "manage-cgroups-mode", Usage: "cgroups mode: soft, full, strict, ignore"},
	&cli.StringSliceFlag{Name: "empty-ns", Usage: "create a namespace, but do not restore its properties"},
	&cli.BoolFlag{Name: "auto-dedup", Usage: "deduplicate memory images"},
	&cli.BoolFlag{Name: "lazy-pages", Usage: "use userfaultfd to restore memory pages lazily"},
}

var checkpointCommand = &cli.Command{
	Name:      "checkpoint",
	Usage:     "checkpoint a running container (not implemented: fails with the reason)",
	ArgsUsage: "<container-id>",
	Flags: append([]cli.Flag{
		&cli.StringFlag{Name: "parent-path", Usage: "path of the previous images (pre-dump)"},
		&cli.BoolFlag{Name: "leave-running", Usage: "leave the process running after checkpointing"},
		&cli.IntFlag{Name: "status-fd", Value: -1, Usage: "fd CRIU writes \\0 to once lazy-pages is ready"},
		&cli.StringFlag{Name: "page-server", Usage: "ADDRESS:PORT of the page server"},
		&cli.BoolFlag{Name: "pre-dump", Usage: "dump memory only, leave the container running"},
	}, criuFlags...),
	Action: func(c *cli.Context) error {
		ct, err := getContainer(c)
		if err != nil {
			return err
		}
		if st := ct.Status(); st != libcontainer.Running && st != libcontainer.Paused {
			return fmt.Errorf("checkpoint container %q: %w", ct.ID(), libcontainer.ErrNotRunning)
		}
		return criuUnavailable("checkpoint")
	},
}

var restoreCommand = &cli.Command{
	Name:      "restore",
	Usage:     "restore a container from a checkpoint (not implemented: fails with the reason)",
	ArgsUsage: "<container-id>",
	Flags: append([]cli.Flag{
		&cli.StringFlag{Name: "console-socket", Usage: "unix socket to receive the pty master"},
		&cli.StringFlag{Name: "bundle", Aliases: []string{"b"}, Value: ".", Usage: "path to the bundle directory"},
		&cli.BoolFlag{Name: "detach", Aliases: []string{"d"}, Usage: "detach from the container's process"},
		&cli.StringFlag{Name: "pid-file", Usage: "write the process id to this file"},
		&cli.BoolFlag{Name: "no-subreaper", Usage: "do not reap reparented processes"},
		&cli.BoolFlag{Name: "no-pivot", Usage: "do not use pivot_root"},
		&cli.StringFlag{Name: "lsm-profile", Usage: "LSM profile TYPE:NAME for the restored process"},
		&cli.StringFlag{Name: "lsm-mount-context", Usage: "LSM mount context"},
	}, criuFlags...),
	Action: func(c *cli.Context) error {
		id, err := containerID(c)
		if err != nil {
			return err
		}
		if _, err := libcontainer.Load(c.String("root"), id); err == nil {
			return fmt.Errorf("restore: container %q %w", id, libcontainer.ErrExist)
		} else if !errors.Is(err, libcontainer.ErrNotExist) {
			return err
		}
		return criuUnavailable("restore")
	},
}

// criuUnavailable says why op cannot be done here: CRIU is missing, or
// cannot work on this kernel, or works but myrunc does not drive it yet.
func criuUnavailable(op string) error {
	path, err := exec.LookPath("criu")
	if err != nil {
		return fmt.Errorf("%s: CRIU is not installed (no criu in $PATH); myrunc needs it to %s containers", op, op)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var out bytes.Buffer
	cmd := exec.CommandContext(ctx, path, "check")
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: CRIU cannot work on this kernel (%s check: %v): %s", op, path, err, lastLine(out.String()))
	}
	return fmt.Errorf("%s: not implemented in myrunc yet (CRIU at %s would work)", op, path)
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

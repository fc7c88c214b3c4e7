package image

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	"github.com/urfave/cli/v2"
	"golang.org/x/sys/unix"

	"myrunc/builder"
	"myrunc/image"
)

var buildCommand = &cli.Command{
	Name:      "build",
	Usage:     "build an image from a Dockerfile (Docker's classic builder; RUN steps run in containers of this runtime)",
	ArgsUsage: "CONTEXT",
	Flags: []cli.Flag{
		&cli.StringSliceFlag{Name: "tag", Aliases: []string{"t"}, Usage: "name the image NAME[:TAG] (repeatable)"},
		&cli.StringFlag{Name: "file", Aliases: []string{"f"}, Usage: "the Dockerfile (default CONTEXT/Dockerfile; - for stdin)"},
		&cli.StringSliceFlag{Name: "build-arg", Usage: "set a build arg: K=V, or K to take it from the environment (repeatable)"},
		&cli.StringFlag{Name: "target", Usage: "build up to this stage"},
		&cli.BoolFlag{Name: "no-cache", Usage: "run every step, reusing no earlier step"},
		&cli.BoolFlag{Name: "pull", Usage: "pull the base images even when they are stored"},
		&cli.StringFlag{Name: "network", Value: "bridge", Usage: "the network RUN steps have: bridge, none, host or a network's name"},
		&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "print only the image ID"},
	},
	Action: func(c *cli.Context) error {
		if c.NArg() != 1 {
			return errors.New("\"image build\" requires exactly 1 argument: usage: image build [-t NAME[:TAG]] [-f Dockerfile] [--build-arg K=V] [--target STAGE] [--no-cache] [--pull] [--network NET] CONTEXT")
		}
		o := builder.Options{DataRoot: c.String("data-root"), RuntimeRoot: c.String("root"),
			ContextDir: c.Args().First(), Dockerfile: c.String("file"), Target: c.String("target"),
			NoCache: c.Bool("no-cache"), Pull: c.Bool("pull"), Network: c.String("network"),
			Quiet: c.Bool("quiet"), Out: os.Stdout, BuildArgs: buildArgs(c.StringSlice("build-arg"))}
		if strings.Contains(o.ContextDir, "://") || strings.HasPrefix(o.ContextDir, "git@") {
			return fmt.Errorf("build context %s: only a local directory can be a build context", o.ContextDir)
		}
		if o.ContextDir == "-" {
			return errors.New("a Dockerfile on stdin as the context is not supported: give a directory and -f -")
		}
		if o.Dockerfile == "-" {
			data, err := io.ReadAll(os.Stdin)
			if err != nil {
				return err
			}
			o.DockerfileData = data
		}
		for _, t := range c.StringSlice("tag") {
			ref, err := image.ParseTag(t)
			if err != nil {
				return fmt.Errorf("invalid argument %q for \"-t, --tag\" flag: %w", t, err)
			}
			o.Tags = append(o.Tags, image.FullName(ref))
		}
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, unix.SIGTERM)
		defer stop()
		id, err := builder.Build(ctx, o)
		if err != nil {
			return err
		}
		if o.Quiet {
			fmt.Println(id)
		}
		return nil
	},
}

// buildArgs reads --build-arg K=V; a bare K takes its value from the
// environment and is left out when it is not set there, as Docker does.
func buildArgs(list []string) map[string]string {
	out := map[string]string{}
	for _, a := range list {
		k, v, ok := strings.Cut(a, "=")
		if !ok {
			if v, ok = os.LookupEnv(k); !ok {
				continue
			}
		}
		out[k] = v
	}
	return out
}

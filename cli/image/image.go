// Package image is `myrunc image ...`: flag parsing and output for the
// image store in myrunc/image, following Docker's CLI (engine-cli.md).
package image

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"
	"golang.org/x/term"

	"myrunc/builder"
	"myrunc/image"
)

// Command is the `image` command group.
var Command = &cli.Command{
	Name:  "image",
	Usage: "manage images: build, pull, push, load, save, import, ls, inspect, history, tag, rm, prune",
	Subcommands: shortOptions([]*cli.Command{
		buildCommand, pullCommand, pushCommand, loadCommand, saveCommand, importCommand, lsCommand,
		inspectCommand, historyCommand, tagCommand, rmCommand, pruneCommand,
	}),
}

// shortOptions lets single-letter flags combine (`ls -aq`, `rm -f`), as
// Docker's CLI does.
func shortOptions(cmds []*cli.Command) []*cli.Command {
	for _, c := range cmds {
		c.UseShortOptionHandling = true
	}
	return cmds
}

// OpenStore opens the image store under the global --data-root.
func OpenStore(c *cli.Context) (*image.Store, error) {
	return image.Open(c.String("data-root"))
}

func needArgs(c *cli.Context, min int, usage string) error {
	if c.NArg() < min {
		return fmt.Errorf("\"image %s\" requires at least %d argument(s): usage: image %s %s", c.Command.Name, min, c.Command.Name, usage)
	}
	return nil
}

var loadCommand = &cli.Command{
	Name:  "load",
	Usage: "load images from a docker-save or OCI layout tar (default: stdin)",
	Flags: []cli.Flag{
		&cli.StringFlag{Name: "input", Aliases: []string{"i"}, Usage: "read from this tar file, not stdin"},
		&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "print nothing but errors"},
	},
	Action: func(c *cli.Context) error {
		s, err := OpenStore(c)
		if err != nil {
			return err
		}
		f := os.Stdin
		if p := c.String("input"); p != "" && p != "-" {
			if f, err = os.Open(p); err != nil {
				return err
			}
			defer f.Close()
		} else if term.IsTerminal(int(os.Stdin.Fd())) {
			return errors.New("requested load from stdin, but stdin is empty (use -i FILE)")
		}
		loaded, err := s.Load(f, image.Quiet{})
		if err != nil {
			return err
		}
		if !c.Bool("quiet") {
			for _, l := range loaded {
				for _, t := range l.Tags {
					fmt.Printf("Loaded image: %s\n", image.Familiar(t))
				}
				if len(l.Tags) == 0 {
					fmt.Printf("Loaded image ID: %s\n", l.ID)
				}
			}
		}
		return nil
	},
}

var saveCommand = &cli.Command{
	Name:      "save",
	Usage:     "save images to a tar (default: stdout)",
	ArgsUsage: "IMAGE...",
	Flags: []cli.Flag{
		&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write to this file, not stdout"},
		&cli.StringFlag{Name: "format", Value: "docker", Usage: "docker (OCI layout + manifest.json, uncompressed layers) or oci (the blobs as stored)"},
	},
	Action: func(c *cli.Context) error {
		if err := needArgs(c, 1, "[-o FILE] IMAGE..."); err != nil {
			return err
		}
		s, err := OpenStore(c)
		if err != nil {
			return err
		}
		out := c.String("output")
		if out == "" || out == "-" {
			if term.IsTerminal(int(os.Stdout.Fd())) {
				return errors.New("cowardly refusing to save to a terminal. Use the -o flag or redirect")
			}
			return s.Save(os.Stdout, c.Args().Slice(), c.String("format"))
		}
		// written beside the target and renamed: a failed save leaves no tar
		tmp, err := os.CreateTemp(filepath.Dir(out), "."+filepath.Base(out)+".tmp-*")
		if err != nil {
			return err
		}
		defer os.Remove(tmp.Name())
		if err := s.Save(tmp, c.Args().Slice(), c.String("format")); err != nil {
			tmp.Close()
			return err
		}
		if err := tmp.Chmod(0o644); err != nil {
			return err
		}
		if err := tmp.Close(); err != nil {
			return err
		}
		return os.Rename(tmp.Name(), out)
	},
}

var importCommand = &cli.Command{
	Name:      "import",
	Usage:     "make an image from a root filesystem tarball",
	ArgsUsage: "FILE|- [REPOSITORY[:TAG]]",
	Flags: []cli.Flag{
		&cli.StringSliceFlag{Name: "change", Aliases: []string{"c"}, Usage: "Dockerfile instruction: CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, USER, WORKDIR, ..."},
		&cli.StringFlag{Name: "message", Aliases: []string{"m"}, Usage: "commit message for the history"},
	},
	Action: func(c *cli.Context) error {
		if err := needArgs(c, 1, "[-c INSTR] FILE|- [REPOSITORY[:TAG]]"); err != nil {
			return err
		}
		s, err := OpenStore(c)
		if err != nil {
			return err
		}
		tag := ""
		if c.NArg() > 1 {
			t, err := image.ParseTag(c.Args().Get(1))
			if err != nil {
				return err
			}
			tag = image.FullName(t)
		}
		src := c.Args().First()
		var r io.Reader = os.Stdin
		if src != "-" {
			f, err := os.Open(src)
			if err != nil {
				return err
			}
			defer f.Close()
			r = f
		}
		what := src
		if m := c.String("message"); m != "" {
			what = src + ": " + m
		}
		rec, err := s.Import(r, what, c.StringSlice("change"), tag)
		if err != nil {
			return err
		}
		fmt.Println(rec.ID)
		return nil
	},
}

var tagCommand = &cli.Command{
	Name:      "tag",
	Usage:     "give an image another name",
	ArgsUsage: "SOURCE_IMAGE TARGET_IMAGE",
	Action: func(c *cli.Context) error {
		if c.NArg() != 2 {
			return errors.New("\"image tag\" requires exactly 2 arguments: SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]")
		}
		s, err := OpenStore(c)
		if err != nil {
			return err
		}
		return s.Tag(c.Args().Get(0), c.Args().Get(1))
	},
}

var rmCommand = &cli.Command{
	Name:      "rm",
	Aliases:   []string{"remove", "rmi"},
	Usage:     "remove images",
	ArgsUsage: "IMAGE...",
	Flags: []cli.Flag{
		&cli.BoolFlag{Name: "force", Aliases: []string{"f"}, Usage: "remove an image containers use (it stays, untagged, while they do)"},
	},
	Action: func(c *cli.Context) error {
		if err := needArgs(c, 1, "[-f] IMAGE..."); err != nil {
			return err
		}
		s, err := OpenStore(c)
		if err != nil {
			return err
		}
		var errs []string
		for _, ref := range c.Args().Slice() {
			out, err := s.Remove(ref, c.Bool("force"))
			if err != nil {
				errs = append(errs, err.Error())
				continue
			}
			for _, u := range out.Untagged {
				fmt.Printf("Untagged: %s\n", image.Familiar(u))
			}
			for _, d := range out.Deleted {
				fmt.Printf("Deleted: %s\n", d)
			}
		}
		if len(errs) > 0 {
			return errors.New(strings.Join(errs, "\n"))
		}
		return nil
	},
}

var pruneCommand = &cli.Command{
	Name:  "prune",
	Usage: "remove dangling images (-a: every image no container uses) and unused layers",
	Flags: []cli.Flag{
		&cli.BoolFlag{Name: "all", Aliases: []string{"a"}, Usage: "remove all images no container uses, not just dangling ones"},
		&cli.BoolFlag{Name: "force", Aliases: []string{"f"}, Usage: "do not ask for confirmation"},
	},
	Action: func(c *cli.Context) error {
		s, err := OpenStore(c)
		if err != nil {
			return err
		}
		if !c.Bool("force") {
			what := "all dangling images"
			if c.Bool("all") {
				what = "all images without at least one container associated to them"
			}
			fmt.Printf("WARNING! This will remove %s.\nAre you sure you want to continue? [y/N] ", what)
			var answer string
			fmt.Scanln(&answer)
			if a := strings.ToLower(strings.TrimSpace(answer)); a != "y" && a != "yes" {
				return nil
			}
		}
		// a build killed mid-step holds a mount and a layer in progress
		if err := builder.CleanStale(c.String("data-root"), c.String("root")); err != nil {
			return err
		}
		deleted, err := s.Prune(c.Bool("all"))
		if err != nil {
			return err
		}
		if len(deleted) > 0 {
			fmt.Println("Deleted Images:")
			for _, d := range deleted {
				fmt.Printf("deleted: %s\n", d)
			}
			fmt.Println()
		}
		fmt.Println("Total reclaimed space: " + humanSize(0))
		return nil
	},
}

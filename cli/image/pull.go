package image

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"

	"github.com/urfave/cli/v2"
	"golang.org/x/sys/unix"

	"myrunc/image"
)

var remoteFlags = []cli.Flag{
	&cli.BoolFlag{Name: "insecure", Usage: "allow plain HTTP and unverified TLS (localhost and 127.0.0.0/8 need not)"},
}

var pullCommand = &cli.Command{
	Name:      "pull",
	Usage:     "download an image from a registry",
	ArgsUsage: "NAME[:TAG|@DIGEST]",
	Flags: append([]cli.Flag{
		&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "print only the image name"},
		&cli.StringFlag{Name: "platform", Usage: "OS/ARCH[/VARIANT] to pick from a manifest list (default: this host's)"},
	}, remoteFlags...),
	Action: func(c *cli.Context) error {
		if c.NArg() != 1 {
			return errors.New("\"image pull\" requires exactly 1 argument: NAME[:TAG|@DIGEST]")
		}
		s, err := OpenStore(c)
		if err != nil {
			return err
		}
		ref := c.Args().First()
		pr, err := image.ParseRef(ref)
		if err != nil {
			return err
		}
		quiet := c.Bool("quiet")
		if !quiet {
			if !strings.Contains(ref[strings.LastIndex(ref, "/")+1:], ":") && !strings.Contains(ref, "@") {
				fmt.Println("Using default tag: latest")
			}
			fmt.Printf("%s: Pulling from %s\n", pr.Identifier(), pr.Context().RepositoryStr())
		}
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, unix.SIGTERM)
		defer stop()
		rep, done := newReporter(quiet)
		res, err := s.Pull(ctx, ref, image.RemoteOptions{Platform: c.String("platform"), Insecure: c.Bool("insecure"), Reporter: rep})
		done()
		if err != nil {
			return err
		}
		if !quiet {
			fmt.Printf("Digest: %s\n", res.Digest)
			if res.UpToDate {
				fmt.Printf("Status: Image is up to date for %s\n", image.Familiar(res.Name))
			} else {
				fmt.Printf("Status: Downloaded newer image for %s\n", image.Familiar(res.Name))
			}
		}
		fmt.Println(res.Name)
		return nil
	},
}

var pushCommand = &cli.Command{
	Name:      "push",
	Usage:     "upload an image to a registry",
	ArgsUsage: "NAME[:TAG]",
	Flags: append([]cli.Flag{
		&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "print nothing but errors"},
	}, remoteFlags...),
	Action: func(c *cli.Context) error {
		if c.NArg() != 1 {
			return errors.New("\"image push\" requires exactly 1 argument: NAME[:TAG]")
		}
		s, err := OpenStore(c)
		if err != nil {
			return err
		}
		ref := c.Args().First()
		pr, err := image.ParseTag(ref)
		if err != nil {
			return err
		}
		quiet := c.Bool("quiet")
		if !quiet {
			fmt.Printf("The push refers to repository [%s]\n", pr.Context().Name())
		}
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, unix.SIGTERM)
		defer stop()
		res, err := s.Push(ctx, ref, image.RemoteOptions{Insecure: c.Bool("insecure")})
		if err != nil {
			return err
		}
		if !quiet {
			for i := len(res.Layers) - 1; i >= 0; i-- {
				fmt.Printf("%s: Pushed\n", res.Layers[i].Hex[:12])
			}
			fmt.Printf("%s: digest: %s size: %d\n", pr.TagStr(), res.Digest, res.Size)
		}
		return nil
	},
}

package image

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	units "github.com/docker/go-units"
	"github.com/urfave/cli/v2"

	"myrunc/cli/format"
	"myrunc/image"
)

func humanSize(n int64) string { return units.HumanSizeWithPrecision(float64(n), 3) }

func since(t time.Time) string {
	if t.IsZero() {
		return "N/A"
	}
	return units.HumanDuration(time.Since(t)) + " ago"
}

// lsRow is one line of `image ls`; its fields are what --format sees.
type lsRow struct {
	Repository, Tag, Digest, ID, CreatedSince, CreatedAt, Size string
}

var lsHeaders = map[string]string{"Repository": "REPOSITORY", "Tag": "TAG", "Digest": "DIGEST", "ID": "IMAGE ID",
	"CreatedSince": "CREATED", "CreatedAt": "CREATED AT", "Size": "SIZE"}

var lsCommand = &cli.Command{
	Name:    "ls",
	Aliases: []string{"list"},
	Usage:   "list images",
	Flags: []cli.Flag{
		&cli.BoolFlag{Name: "all", Aliases: []string{"a"}, Usage: "show all images (default hides intermediate build steps)"},
		&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "only image IDs"},
		&cli.BoolFlag{Name: "digests", Usage: "show digests"},
		&cli.BoolFlag{Name: "no-trunc", Usage: "do not truncate IDs"},
		&cli.StringFlag{Name: "format", Usage: "Go template, \"table TEMPLATE\" or \"json\""},
	},
	Action: func(c *cli.Context) error {
		s, err := OpenStore(c)
		if err != nil {
			return err
		}
		imgs, err := s.List()
		if err != nil {
			return err
		}
		if !c.Bool("all") {
			imgs = withoutIntermediate(imgs)
		}
		rows, ids := lsRows(s, imgs, c.Bool("no-trunc"))
		if c.Bool("quiet") {
			for _, id := range ids {
				fmt.Println(id)
			}
			return nil
		}
		def := "{{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}"
		if c.Bool("digests") {
			def = "{{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}"
		}
		return format.Table(os.Stdout, c.String("format"), def, lsHeaders, rows)
	},
}

// withoutIntermediate drops the images of build steps that later steps
// were built on (untagged, with children), as Docker's ls does.
func withoutIntermediate(imgs []*image.Image) []*image.Image {
	parents := map[string]bool{}
	for _, img := range imgs {
		parents[img.Parent] = true
	}
	return slices.DeleteFunc(imgs, func(img *image.Image) bool { return len(img.RepoTags) == 0 && parents[img.ID] })
}

// lsRows makes a row per tag (one <none> row for an untagged image),
// newest images first, and the unique IDs for -q.
func lsRows(s *image.Store, imgs []*image.Image, noTrunc bool) ([]any, []string) {
	sortNewest(imgs)
	var rows []any
	var ids []string
	for _, img := range imgs {
		id := strings.TrimPrefix(img.ID, "sha256:")[:12]
		if noTrunc {
			id = img.ID
		}
		ids = append(ids, id)
		created := img.Config.Created.Time
		base := lsRow{ID: id, CreatedSince: since(created), Size: humanSize(s.Size(img)), Digest: "<none>",
			Repository: "<none>", Tag: "<none>"}
		if !created.IsZero() {
			base.CreatedAt = created.Local().Format("2006-01-02 15:04:05 -0700 MST")
		}
		digests := map[string]string{}
		for _, d := range img.RepoDigests {
			repo, dg := splitFamiliar(d)
			digests[repo] = dg
		}
		for _, t := range img.RepoTags {
			r := base
			r.Repository, r.Tag = splitFamiliar(t)
			if d, ok := digests[r.Repository]; ok {
				r.Digest = d
			}
			rows = append(rows, r)
		}
		if len(img.RepoTags) == 0 {
			rows = append(rows, base)
		}
	}
	return rows, ids
}

func splitFamiliar(full string) (string, string) {
	f := image.Familiar(full)
	if i := strings.LastIndex(f, "@"); i >= 0 {
		return f[:i], f[i+1:]
	}
	if i := strings.LastIndex(f, ":"); i > strings.LastIndex(f, "/") {
		return f[:i], f[i+1:]
	}
	return f, "<none>"
}

func sortNewest(imgs []*image.Image) {
	for i := 1; i < len(imgs); i++ {
		for j := i; j > 0 && imgs[j].Config.Created.After(imgs[j-1].Config.Created.Time); j-- {
			imgs[j], imgs[j-1] = imgs[j-1], imgs[j]
		}
	}
}

var inspectCommand = &cli.Command{
	Name:      "inspect",
	Usage:     "show images as Docker's JSON",
	ArgsUsage: "IMAGE...",
	Flags: []cli.Flag{
		&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Usage: "Go template or \"json\""},
	},
	Action: func(c *cli.Context) error {
		if err := needArgs(c, 1, "[--format T] IMAGE..."); err != nil {
			return err
		}
		s, err := OpenStore(c)
		if err != nil {
			return err
		}
		var values []any
		var errs []string
		for _, ref := range c.Args().Slice() {
			img, err := s.Get(ref)
			if err != nil {
				errs = append(errs, err.Error())
				continue
			}
			values = append(values, s.Inspect(img))
		}
		if err := format.Inspect(os.Stdout, c.String("format"), values); err != nil {
			return err
		}
		if len(errs) > 0 {
			return fmt.Errorf("%s", strings.Join(errs, "\n"))
		}
		return nil
	},
}

type historyRow struct{ ID, CreatedSince, CreatedAt, CreatedBy, Size, Comment string }

var historyCommand = &cli.Command{
	Name:      "history",
	Usage:     "show how an image was made, newest layer first",
	ArgsUsage: "IMAGE",
	Flags: []cli.Flag{
		&cli.BoolFlag{Name: "no-trunc", Usage: "do not truncate output"},
		&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "only image IDs"},
		&cli.StringFlag{Name: "format", Usage: "Go template, \"table TEMPLATE\" or \"json\""},
	},
	Action: func(c *cli.Context) error {
		if c.NArg() != 1 {
			return fmt.Errorf("\"image history\" requires exactly 1 argument")
		}
		s, err := OpenStore(c)
		if err != nil {
			return err
		}
		img, err := s.Get(c.Args().First())
		if err != nil {
			return err
		}
		var rows []any
		for _, h := range s.History(img) {
			r := historyRow{ID: h.ID, CreatedSince: since(h.Created), CreatedBy: h.CreatedBy, Size: humanSize(h.Size), Comment: h.Comment}
			if !c.Bool("no-trunc") {
				if h.ID != "<missing>" {
					r.ID = strings.TrimPrefix(h.ID, "sha256:")[:12]
				}
				if len(r.CreatedBy) > 45 {
					r.CreatedBy = r.CreatedBy[:44] + "…"
				}
			}
			if !h.Created.IsZero() {
				r.CreatedAt = h.Created.Format(time.RFC3339)
			}
			if c.Bool("quiet") {
				fmt.Println(r.ID)
				continue
			}
			rows = append(rows, r)
		}
		if c.Bool("quiet") {
			return nil
		}
		return format.Table(os.Stdout, c.String("format"), "{{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}",
			map[string]string{"ID": "IMAGE", "CreatedSince": "CREATED", "CreatedAt": "CREATED AT", "CreatedBy": "CREATED BY", "Size": "SIZE", "Comment": "COMMENT"}, rows)
	},
}

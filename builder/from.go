package builder

import (
	"errors"
	"fmt"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerfile/shell"

	"myrunc/image"
)

// from starts a stage on its base: an earlier stage, scratch, or an
// image (the stored one; pulled when missing or with --pull). The base's
// ONBUILD triggers run at once, as Docker's do.
func (b *builder) from(s *instructions.Stage) (*stage, error) {
	env := shell.EnvsFromSlice(append(platformArgs(), b.args.meta.env(nil)...))
	name, _, err := b.df.lex.ProcessWord(s.BaseName, env)
	if err != nil {
		return nil, err
	}
	platform, _, err := b.df.lex.ProcessWord(s.Platform, env)
	if err != nil {
		return nil, err
	}
	if name == "" {
		return nil, fmt.Errorf("base name (%s) should not be blank", s.BaseName)
	}
	st := &stage{name: s.Name}
	switch prior := b.stageNamed(name); {
	case name == "scratch":
	case prior != nil:
		st.img = prior.img
	default:
		if st.img, err = b.baseImage(name, platform); err != nil {
			return nil, err
		}
	}
	if st.img == nil {
		return st, nil
	}
	st.cfg = cloneConfig(st.img.Config.Config)
	st.author = st.img.Config.Author
	st.triggers, st.cfg.OnBuild = st.cfg.OnBuild, nil
	return st, nil
}

// stageNamed is the finished stage called name (case-insensitive, as
// Docker's), nil if none.
func (b *builder) stageNamed(name string) *stage {
	for i := len(b.stages) - 1; i >= 0; i-- {
		if b.stages[i].name != "" && strings.EqualFold(b.stages[i].name, name) {
			return b.stages[i]
		}
	}
	return nil
}

// baseImage is the stored image ref, pulled when missing, when its
// platform is not the one asked for, or with --pull.
func (b *builder) baseImage(ref, platform string) (*image.Image, error) {
	if !b.o.Pull {
		img, err := b.store.Get(ref)
		if err == nil && platformMatches(img, platform) {
			return img, nil
		}
		if err != nil && !errors.Is(err, image.ErrNotFound) {
			return nil, err
		}
	}
	res, err := b.store.Pull(b.ctx, ref, image.RemoteOptions{Platform: platform})
	if err != nil {
		return nil, fmt.Errorf("pulling %s: %w", ref, err)
	}
	return b.store.Get(res.Name)
}

func platformMatches(img *image.Image, platform string) bool {
	if platform == "" {
		return true
	}
	want := strings.Split(platform, "/")
	got := []string{img.Config.OS, img.Config.Architecture, img.Config.Variant}
	for i, w := range want {
		if i < len(got) && w != got[i] {
			return false
		}
	}
	return true
}

// platformArgs are BuildKit's automatic platform args, which FROM lines
// may use (this builder builds for the host only).
func platformArgs() []string {
	p := image.HostPlatform()
	plat := p.OS + "/" + p.Architecture
	if p.Variant != "" {
		plat += "/" + p.Variant
	}
	return []string{"BUILDPLATFORM=" + plat, "BUILDOS=" + p.OS, "BUILDARCH=" + p.Architecture, "BUILDVARIANT=" + p.Variant,
		"TARGETPLATFORM=" + plat, "TARGETOS=" + p.OS, "TARGETARCH=" + p.Architecture, "TARGETVARIANT=" + p.Variant}
}

// triggers runs the ONBUILD instructions of the stage's base.
func (b *builder) triggers(st *stage) error {
	if len(st.triggers) == 0 {
		return nil
	}
	s := ""
	if len(st.triggers) > 1 {
		s = "s"
	}
	b.printf("# Executing %d build trigger%s\n", len(st.triggers), s)
	for _, t := range st.triggers {
		res, err := parser.Parse(strings.NewReader(t))
		if err != nil {
			return fmt.Errorf("ONBUILD trigger %q: %w", t, err)
		}
		for _, node := range res.AST.Children {
			cmd, err := instructions.ParseCommand(node)
			if err != nil {
				return fmt.Errorf("ONBUILD trigger %q: %w", t, err)
			}
			if err := classicOnly(cmd); err != nil {
				return fmt.Errorf("ONBUILD trigger %q: %w", t, err)
			}
			if err := b.dispatch(st, cmd); err != nil {
				return fmt.Errorf("ONBUILD trigger %q: %w", t, err)
			}
		}
	}
	st.triggers = nil
	return nil
}

// Package builder is `myrunc image build`: Docker's classic builder on
// the image store. A Dockerfile (parsed by BuildKit's parser) runs step
// by step; each step makes an image (a child of the one before), RUN in a
// container of this runtime on an overlay of the previous step, COPY and
// ADD into such an overlay without a container; a step's layer is the
// diff its overlay's upper directory holds. A step is reused (the cache)
// when the current image has a child made by the same step.
package builder

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"

	"myrunc/image"
)

// Options are `image build`'s flags.
type Options struct {
	DataRoot, RuntimeRoot string
	ContextDir            string
	// Dockerfile is read from DockerfileData if set, else from this path
	// (default: ContextDir/Dockerfile)
	Dockerfile     string
	DockerfileData []byte
	Tags           []string          // full names
	BuildArgs      map[string]string // --build-arg K=V
	Target         string
	NoCache, Pull  bool
	Network        string // none, host, bridge (default) or a network's name
	Quiet          bool   // -q: no progress, only the image ID
	Out            io.Writer
}

type builder struct {
	o       Options
	ctx     context.Context
	store   *image.Store
	cache   *image.BuildCache
	df      *dockerfile
	src     *srcRoot
	args    *buildArgs
	out     io.Writer
	step    int
	total   int
	stages  []*stage // finished stages (FROM and COPY --from name them)
	created []string // images this build made: removed when it fails
}

// stage is one FROM's build in progress.
type stage struct {
	name   string
	img    *image.Image // the last step's image; nil: FROM scratch, nothing yet
	cfg    v1.Config    // the config the next step starts from
	author string       // MAINTAINER
	args   argScope
	cmdSet bool // a CMD in this stage (ENTRYPOINT keeps it)
	// triggers: the base image's ONBUILD instructions, not run yet
	triggers []string
}

func (st *stage) id() string {
	if st.img == nil {
		return ""
	}
	return st.img.ID
}

// Build runs the Dockerfile and returns the final image's ID. A failed
// build leaves no image of its own, no container and no mount.
func Build(ctx context.Context, o Options) (id string, err error) {
	b, err := newBuilder(ctx, o)
	if err != nil {
		return "", err
	}
	defer func() {
		if err != nil {
			b.forget()
		}
	}()
	stages, err := b.df.stagesUpTo(o.Target)
	if err != nil {
		return "", err
	}
	b.total = b.df.steps(stages)
	for i := range b.df.metaArgs {
		a := &b.df.metaArgs[i]
		b.printStep(source(a))
		if err := b.args.declare(&b.args.meta, a, b.df.lex, b.args.meta.env(nil), false); err != nil {
			return "", err
		}
	}
	for i := range stages {
		st, err := b.buildStage(&stages[i])
		if err != nil {
			return "", err
		}
		b.stages = append(b.stages, st)
	}
	final := b.stages[len(b.stages)-1].img
	if final == nil {
		return "", errors.New("no image was generated: is your Dockerfile empty (a stage FROM scratch with no instruction)?")
	}
	if left := b.args.unconsumed(); len(left) > 0 {
		b.printf("[Warning] One or more build-args %v were not consumed\n", left)
	}
	b.printf("Successfully built %s\n", shortID(final.ID))
	for _, t := range o.Tags {
		if err := b.store.Tag(final.ID, t); err != nil {
			return "", err
		}
		b.printf("Successfully tagged %s\n", image.Familiar(t))
	}
	return final.ID, nil
}

func newBuilder(ctx context.Context, o Options) (*builder, error) {
	if o.Out == nil || o.Quiet {
		o.Out = io.Discard
	}
	if o.Network == "" {
		o.Network = "bridge"
	}
	data := o.DockerfileData
	if data == nil {
		name := o.Dockerfile
		if name == "" {
			name = filepath.Join(o.ContextDir, "Dockerfile")
		}
		var err error
		if data, err = os.ReadFile(name); err != nil {
			return nil, fmt.Errorf("cannot read the Dockerfile: %w", err)
		}
	}
	df, err := parseDockerfile(data)
	if err != nil {
		return nil, err
	}
	src, err := openContext(o.ContextDir)
	if err != nil {
		return nil, err
	}
	store, err := image.Open(o.DataRoot)
	if err != nil {
		return nil, err
	}
	cache, err := store.BuildCache()
	if err != nil {
		return nil, err
	}
	cleanStale(o.DataRoot, o.RuntimeRoot, store)
	return &builder{o: o, ctx: ctx, store: store, cache: cache, df: df, src: src, out: o.Out,
		args: newBuildArgs(o.BuildArgs)}, nil
}

func (b *builder) printf(format string, a ...any) { fmt.Fprintf(b.out, format, a...) }

func (b *builder) printStep(src string) {
	b.step++
	b.printf("Step %d/%d : %s\n", b.step, b.total, src)
}

// buildStage runs one FROM and its instructions.
func (b *builder) buildStage(s *instructions.Stage) (*stage, error) {
	b.printStep(s.SourceCode)
	st, err := b.from(s)
	if err != nil {
		return nil, b.stepError(s.SourceCode, err)
	}
	b.printf(" ---> %s\n", shortID(st.id()))
	if err := b.triggers(st); err != nil {
		return nil, b.stepError(s.SourceCode, err)
	}
	for _, cmd := range s.Commands {
		b.printStep(source(cmd))
		if err := b.ctx.Err(); err != nil {
			return nil, b.stepError(source(cmd), err)
		}
		if err := b.dispatch(st, cmd); err != nil {
			return nil, b.stepError(source(cmd), err)
		}
	}
	return st, nil
}

func (b *builder) stepError(src string, err error) error {
	if errors.Is(err, context.Canceled) {
		err = errors.New("the build was stopped (interrupted or terminated)")
	}
	return fmt.Errorf("step %d/%d (%s): %w", b.step, b.total, src, err)
}

// commit makes (or finds in the cache) the image of one step.
func (b *builder) commit(st *stage, ch change) error {
	key := cacheKey(ch)
	if !b.o.NoCache {
		if img := b.cache.Lookup(st.id(), key); img != nil {
			b.printf(" ---> Using cache\n")
			return b.advance(st, img)
		}
	}
	cfg := cloneConfig(st.cfg)
	if ch.config != nil {
		if err := ch.config(&cfg); err != nil {
			return err
		}
	}
	upper, release := "", func() {}
	if ch.layer != nil || ch.run != nil {
		var err error
		if upper, release, err = b.layerStep(st, ch); err != nil {
			return err
		}
	}
	defer release()
	img, err := b.store.Child(st.img, upper, image.CommitOptions{Config: cfg, CreatedBy: ch.createdBy,
		Author: st.author, Parent: st.id(), BuildKey: key})
	if err != nil {
		return err
	}
	b.created = append(b.created, img.ID)
	b.cache.Add(img)
	return b.advance(st, img)
}

// advance makes img the stage's current image.
func (b *builder) advance(st *stage, img *image.Image) error {
	st.img = img
	st.cfg = cloneConfig(img.Config.Config)
	st.author = img.Config.Author
	b.printf(" ---> %s\n", shortID(img.ID))
	return nil
}

// forget removes the images a failed build made (they would show as
// dangling images) and what only they used.
func (b *builder) forget() {
	if len(b.created) > 0 {
		b.store.RemoveSteps(b.created)
	}
}

func shortID(id string) string {
	h := strings.TrimPrefix(id, "sha256:")
	if len(h) > 12 {
		h = h[:12]
	}
	return h
}

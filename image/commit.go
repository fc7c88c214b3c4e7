package image

import (
	"encoding/json"
	"io"
	"os"
	"slices"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/klauspost/compress/gzip"
)

// CommitOptions describe the image a commit or a build step makes.
type CommitOptions struct {
	Config  v1.Config // the container's config, with -c changes applied
	Comment string
	Author  string
	// CreatedBy is the history line (Docker puts the container's command there)
	CreatedBy string
	Tag       string // full name; may be empty
	// Parent and BuildKey mark a build step: the image it was made on and
	// what the step was (image build finds its cache by them)
	Parent, BuildKey string
}

// Commit makes a new image from parent's layers plus one more: the
// container's writable layer (an overlayfs upper directory).
func (s *Store) Commit(parent *Image, upper string, o CommitOptions) (*Record, error) {
	img, err := s.Child(parent, upper, o)
	if err != nil {
		return nil, err
	}
	return &img.Record, nil
}

// Child makes an image from parent (nil: scratch) with one more history
// entry, and one more layer when upper (an overlayfs upper directory) is
// not "": its diff, gzip-compressed, stored by digest. Commit and every
// build step make their images with it.
func (s *Store) Child(parent *Image, upper string, o CommitOptions) (_ *Image, err error) {
	// held while the new blobs are not in the index yet: GC waits
	op, err := s.beginOp()
	if err != nil {
		return nil, err
	}
	defer op.Close()
	var pc v1.ConfigFile
	var blobs []v1.Hash
	if parent != nil {
		pc = *parent.Config
		for _, l := range parent.Manifest.Layers {
			blobs = append(blobs, l.Digest)
		}
	}
	n := len(blobs)
	diffIDs := slices.Clone(pc.RootFS.DiffIDs)
	var blobName string
	if upper != "" {
		blob, j, err := s.layerFromUpper(upper)
		if err != nil {
			return nil, err
		}
		defer os.Remove(blob)
		blobName, blobs, diffIDs = blob, append(blobs, j.gotBlob), append(diffIDs, j.gotDiff)
	}
	now := time.Now().UTC()
	cf := v1.ConfigFile{
		Architecture: orDefault(pc.Architecture, HostPlatform().Architecture), OS: orDefault(pc.OS, "linux"),
		Variant: pc.Variant, Created: v1.Time{Time: now}, Author: o.Author, Config: o.Config,
		RootFS: v1.RootFS{Type: "layers", DiffIDs: diffIDs},
		History: append(slices.Clone(pc.History), v1.History{Created: v1.Time{Time: now}, Author: o.Author,
			CreatedBy: o.CreatedBy, Comment: o.Comment, EmptyLayer: upper == ""}),
	}
	raw, err := json.Marshal(cf)
	if err != nil {
		return nil, err
	}
	ni := &newImage{ConfigRaw: raw, LayerBlobs: blobs, Parent: o.Parent, BuildKey: o.BuildKey,
		OpenLayer: func(i int) (io.ReadCloser, error) {
			if i < n {
				return os.Open(s.blobPath(blobs[i]))
			}
			return os.Open(blobName)
		}}
	if o.Tag != "" {
		ni.Tags = []string{o.Tag}
	}
	rec, err := s.add(ni, Quiet{})
	if err != nil {
		return nil, err
	}
	return s.load(rec)
}

// layerFromUpper writes upper as a gzip layer blob under tmp/ and learns
// its digests.
func (s *Store) layerFromUpper(upper string) (string, *layerJob, error) {
	f, err := os.CreateTemp(s.path("tmp"), "layer-")
	if err != nil {
		return "", nil, err
	}
	defer f.Close()
	fail := func(err error) (string, *layerJob, error) {
		os.Remove(f.Name())
		return "", nil, err
	}
	zw, err := gzip.NewWriterLevel(f, gzip.BestSpeed)
	if err != nil {
		return fail(err)
	}
	if err := WriteLayerTar(zw, upper); err != nil {
		return fail(err)
	}
	if err := zw.Close(); err != nil {
		return fail(err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return fail(err)
	}
	j := &layerJob{}
	if _, err := s.stream(j, f, nil, ""); err != nil {
		return fail(err)
	}
	return f.Name(), j, nil
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

package image

import (
	"encoding/json"
	"io"
	"os"
	"slices"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// CommitOptions describe the image `container commit` makes.
type CommitOptions struct {
	Config  v1.Config // the container's config, with -c changes applied
	Comment string
	Author  string
	// CreatedBy is the history line (Docker puts the container's command there)
	CreatedBy string
	Tag       string // full name; may be empty
}

// Commit makes a new image from parent's layers plus one more: the
// container's writable layer (an overlayfs upper directory).
func (s *Store) Commit(parent *Image, upper string, o CommitOptions) (*Record, error) {
	blob, err := os.CreateTemp(s.path("tmp"), "commit-")
	if err != nil {
		return nil, err
	}
	defer os.Remove(blob.Name())
	defer blob.Close()
	if err := WriteLayerTar(blob, upper); err != nil {
		return nil, err
	}
	if _, err := blob.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	j := &layerJob{}
	if _, err := s.stream(j, blob, nil, ""); err != nil {
		return nil, err
	}
	now := time.Now().UTC()
	pc := parent.Config
	cf := v1.ConfigFile{
		Architecture: orDefault(pc.Architecture, HostPlatform().Architecture), OS: orDefault(pc.OS, "linux"),
		Created: v1.Time{Time: now}, Author: o.Author, Config: o.Config,
		RootFS: v1.RootFS{Type: "layers", DiffIDs: append(slices.Clone(pc.RootFS.DiffIDs), j.gotDiff)},
		History: append(slices.Clone(pc.History), v1.History{Created: v1.Time{Time: now}, Author: o.Author,
			CreatedBy: o.CreatedBy, Comment: o.Comment}),
	}
	raw, err := json.Marshal(cf)
	if err != nil {
		return nil, err
	}
	blobs := make([]v1.Hash, 0, len(parent.Manifest.Layers)+1)
	for _, l := range parent.Manifest.Layers {
		blobs = append(blobs, l.Digest)
	}
	blobs = append(blobs, j.gotBlob)
	n := len(parent.Manifest.Layers)
	ni := &newImage{ConfigRaw: raw, LayerBlobs: blobs, OpenLayer: func(i int) (io.ReadCloser, error) {
		if i < n {
			return os.Open(s.blobPath(blobs[i]))
		}
		return os.Open(blob.Name())
	}}
	if o.Tag != "" {
		ni.Tags = []string{o.Tag}
	}
	return s.add(ni, Quiet{})
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

package image

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1"
)

// Image is a stored image: its index record, manifest and config.
type Image struct {
	Record
	ManifestDigest v1.Hash
	Manifest       *v1.Manifest
	ManifestRaw    []byte
	Config         *v1.ConfigFile
	ConfigRaw      []byte
}

// ErrNotFound is wrapped by lookups of images that are not in the store.
var ErrNotFound = errors.New("no such image")

// NotFoundError names the reference that was not found.
type NotFoundError struct{ Ref string }

func (e *NotFoundError) Error() string        { return "No such image: " + e.Ref }
func (e *NotFoundError) Is(target error) bool { return target == ErrNotFound }

func (s *Store) load(r *Record) (*Image, error) {
	md, err := validHash(r.Manifest)
	if err != nil {
		return nil, err
	}
	raw, err := s.readBlob(md)
	if err != nil {
		return nil, err
	}
	m, err := decodeManifest(raw)
	if err != nil {
		return nil, err
	}
	craw, err := s.readBlob(m.Config.Digest)
	if err != nil {
		return nil, err
	}
	c, err := decodeConfig(craw)
	if err != nil {
		return nil, err
	}
	return &Image{Record: *r, ManifestDigest: md, Manifest: m, ManifestRaw: raw, Config: c, ConfigRaw: craw}, nil
}

// Get finds an image by name (busybox, busybox:1, name@sha256:...), by ID
// (sha256:HEX) or by a unique prefix of its ID, as Docker does.
func (s *Store) Get(ref string) (*Image, error) {
	ix, err := s.readIndex()
	if err != nil {
		return nil, err
	}
	r, err := ix.find(ref)
	if err != nil {
		return nil, err
	}
	img, err := s.load(r)
	if err != nil {
		return nil, fmt.Errorf("image %s: %w", ref, err)
	}
	return img, nil
}

// List returns every image, in index order.
func (s *Store) List() ([]*Image, error) {
	ix, err := s.readIndex()
	if err != nil {
		return nil, err
	}
	out := make([]*Image, 0, len(ix.Images))
	for _, r := range ix.Images {
		img, err := s.load(r)
		if err != nil {
			return nil, fmt.Errorf("image %s: %w", r.ID, err)
		}
		out = append(out, img)
	}
	return out, nil
}

func (ix *index) find(ref string) (*Record, error) {
	id := ref
	if !strings.HasPrefix(id, "sha256:") {
		id = "sha256:" + id
	}
	if r := ix.byID(id); r != nil {
		return r, nil
	}
	if pr, err := ParseRef(ref); err == nil {
		full := FullName(pr)
		if _, ok := pr.(name.Digest); ok {
			if r := ix.byDigest(full); r != nil {
				return r, nil
			}
		} else if r := ix.byTag(full); r != nil {
			return r, nil
		}
	}
	if hex := strings.TrimPrefix(ref, "sha256:"); hex != "" && strings.Trim(hex, "0123456789abcdef") == "" {
		var found *Record
		for _, r := range ix.Images {
			if strings.HasPrefix(r.ID, "sha256:"+hex) {
				if found != nil && found != r {
					return nil, fmt.Errorf("image ID prefix %s is ambiguous", ref)
				}
				found = r
			}
		}
		if found != nil {
			return found, nil
		}
	}
	return nil, &NotFoundError{Ref: ref}
}

// Size is the unpacked size of the image's layers (Docker's .Size).
func (s *Store) Size(img *Image) int64 {
	var n int64
	for _, c := range chainIDs(img.Config.RootFS.DiffIDs) {
		if li, err := s.readLayerInfo(c); err == nil {
			n += li.Size
		}
	}
	return n
}

// LayerDirs are the image's unpacked layers, lowest first, as overlayfs
// lower directories (through their short links).
func (s *Store) LayerDirs(img *Image) ([]string, error) {
	chains := chainIDs(img.Config.RootFS.DiffIDs)
	out := make([]string, len(chains))
	for i, c := range chains {
		if !s.hasLayer(c) {
			return nil, fmt.Errorf("image %s: layer %s is missing from the store", img.ID, c)
		}
		if err := s.ensureLink(c); err != nil {
			return nil, err
		}
		out[i] = filepath.Join(s.root, "l", linkName(c))
	}
	return out, nil
}

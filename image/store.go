// Package image is the engine's image store: blobs by digest, a name index,
// and layers unpacked once per chain ID into directories shared by every
// image and container that uses them. It turns images into what a
// container needs (layer directories and the image config); engine/ makes
// bundles from that.
//
// Layout under <data-root>/image:
//
//	index.json                the images: ID, manifest, tags, repo digests
//	blobs/sha256/HEX          manifests, configs and layer blobs as fetched
//	layers/HEX/diff           a layer unpacked in overlayfs's format (HEX: chain ID)
//	layers/HEX/layer.json     its diff ID, size and short link name
//	l/LINK -> ../layers/HEX/diff   short names for overlay mount options
//	uses/CONTAINER            the image ID a container's root filesystem uses
//	rw/CONTAINER/{upper,work} a container's writable layer
//	tmp/                      work in progress, renamed into place when complete
//	lock, gc.lock, locks/HEX  flock files: index writes; operations vs gc; one unpack per layer
//
// Every change becomes visible by one rename, so a process killed at any
// point leaves no half image or partial layer, only files under tmp/ or
// unreferenced blobs and layers, which the next mutating command's
// garbage collection removes.
package image

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/google/go-containerregistry/pkg/v1"
)

// Store is an image store rooted at <data-root>/image.
type Store struct {
	root string
}

// Open returns the store under dataRoot, making its directories.
func Open(dataRoot string) (*Store, error) {
	if dataRoot == "" {
		return nil, errors.New("no data root (--data-root)")
	}
	abs, err := filepath.Abs(dataRoot)
	if err != nil {
		return nil, err
	}
	s := &Store{root: filepath.Join(abs, "image")}
	for _, d := range []string{"blobs/sha256", "layers", "l", "uses", "rw", "tmp", "locks"} {
		if err := os.MkdirAll(s.path(d), 0o700); err != nil {
			return nil, fmt.Errorf("image store: %w", err)
		}
	}
	return s, nil
}

// Root is the store's directory.
func (s *Store) Root() string { return s.root }

func (s *Store) path(elem ...string) string {
	return filepath.Join(append([]string{s.root}, elem...)...)
}

func (s *Store) blobPath(h v1.Hash) string {
	return s.path("blobs", h.Algorithm, h.Hex)
}

func (s *Store) layerPath(chain v1.Hash) string {
	return s.path("layers", chain.Hex)
}

// tempDir makes a fresh directory under tmp/ for one piece of work.
func (s *Store) tempDir(what string) (string, error) {
	return os.MkdirTemp(s.path("tmp"), what+"-")
}

// validHash parses "sha256:HEX" and refuses anything else: digests name
// files in the store.
func validHash(d string) (v1.Hash, error) {
	h, err := v1.NewHash(d)
	if err != nil {
		return v1.Hash{}, fmt.Errorf("bad digest %q: %w", d, err)
	}
	if h.Algorithm != "sha256" || len(h.Hex) != 64 || strings.Trim(h.Hex, "0123456789abcdef") != "" {
		return v1.Hash{}, fmt.Errorf("bad digest %q: want sha256 and 64 lowercase hex digits", d)
	}
	return h, nil
}

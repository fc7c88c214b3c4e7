package image

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/partial"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// PushResult says what a push sent.
type PushResult struct {
	Tag    string // full name
	Digest v1.Hash
	Size   int64 // the manifest's length, as Docker prints it
	Layers []v1.Hash
}

// Push uploads a stored image under ref (which must name it), with its
// manifest and blobs exactly as stored: pulling it back gives the same
// digests. Blobs the registry has already are not sent again.
func (s *Store) Push(ctx context.Context, ref string, o RemoteOptions) (*PushResult, error) {
	img, err := s.Get(ref)
	if err != nil {
		return nil, err
	}
	r, err := o.parseRemote(ref)
	if err != nil {
		return nil, err
	}
	if _, ok := r.(name.Tag); !ok {
		return nil, fmt.Errorf("push %s: push by tag, not by digest", ref)
	}
	opts, err := o.remoteOpts(ctx, r)
	if err != nil {
		return nil, fmt.Errorf("pushing %s: %w", ref, err)
	}
	vimg, err := partial.CompressedToImage(&storeImage{s: s, img: img})
	if err != nil {
		return nil, err
	}
	if err := remote.Write(r, vimg, opts...); err != nil {
		return nil, fmt.Errorf("pushing %s: %w", ref, explainRemote(r.Context().Registry, err))
	}
	res := &PushResult{Tag: FullName(r), Digest: img.ManifestDigest, Size: int64(len(img.ManifestRaw))}
	for _, l := range img.Manifest.Layers {
		res.Layers = append(res.Layers, l.Digest)
	}
	repoDigest := repoName(r.Context()) + "@" + img.ManifestDigest.String()
	err = s.updateIndex(func(ix *index) error {
		if rec := ix.byID(img.ID); rec != nil {
			rec.RepoDigests = appendNew(rec.RepoDigests, repoDigest)
		}
		return nil
	})
	return res, err
}

// storeImage is a stored image as go-containerregistry sees one.
type storeImage struct {
	s   *Store
	img *Image
}

func (i *storeImage) RawConfigFile() ([]byte, error) { return i.img.ConfigRaw, nil }
func (i *storeImage) RawManifest() ([]byte, error)   { return i.img.ManifestRaw, nil }
func (i *storeImage) MediaType() (types.MediaType, error) {
	if i.img.Manifest.MediaType != "" {
		return i.img.Manifest.MediaType, nil
	}
	return types.OCIManifestSchema1, nil
}

func (i *storeImage) LayerByDigest(h v1.Hash) (partial.CompressedLayer, error) {
	for _, l := range i.img.Manifest.Layers {
		if l.Digest == h {
			return &storeLayer{s: i.s, desc: l}, nil
		}
	}
	return nil, fmt.Errorf("image %s has no layer %s", i.img.ID, h)
}

type storeLayer struct {
	s    *Store
	desc v1.Descriptor
}

func (l *storeLayer) Digest() (v1.Hash, error)            { return l.desc.Digest, nil }
func (l *storeLayer) Size() (int64, error)                { return l.desc.Size, nil }
func (l *storeLayer) MediaType() (types.MediaType, error) { return l.desc.MediaType, nil }
func (l *storeLayer) Compressed() (io.ReadCloser, error) {
	f, err := os.Open(l.s.blobPath(l.desc.Digest))
	if err != nil {
		return nil, fmt.Errorf("layer blob %s: %w", l.desc.Digest, err)
	}
	return f, nil
}

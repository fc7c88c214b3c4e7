package image

import (
	"archive/tar"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// Save writes images as one tar. Format "docker" (Docker's default since
// 25) is an OCI layout plus Docker's manifest.json with uncompressed
// layers, which docker load, podman load and skopeo all read; "oci" is
// the OCI layout alone with the blobs as stored (the same digests).
func (s *Store) Save(w io.Writer, refs []string, format string) error {
	if format != "docker" && format != "oci" {
		return fmt.Errorf("--format %q: want docker or oci", format)
	}
	tw := &saveWriter{tw: tar.NewWriter(w), done: map[string]bool{}}
	var idx v1.IndexManifest
	idx.SchemaVersion = 2
	idx.MediaType = types.OCIImageIndex
	var dms []dockerManifest
	for _, ref := range refs {
		img, err := s.Get(ref)
		if err != nil {
			return err
		}
		desc, dm, err := s.saveImage(tw, img, format)
		if err != nil {
			return err
		}
		tags := img.RepoTags
		if pr, err := ParseRef(ref); err == nil {
			if _, isTag := pr.(interface{ TagStr() string }); isTag && contains(tags, FullName(pr)) {
				tags = []string{FullName(pr)} // Docker saves the tag asked for
			}
		}
		if len(tags) == 0 {
			idx.Manifests = append(idx.Manifests, desc)
		}
		for _, t := range tags {
			d := desc
			_, tag := splitName(t)
			d.Annotations = map[string]string{"io.containerd.image.name": t, "org.opencontainers.image.ref.name": tag}
			idx.Manifests = append(idx.Manifests, d)
			dm.RepoTags = append(dm.RepoTags, Familiar(t))
		}
		dms = append(dms, dm)
	}
	if err := tw.json("oci-layout", map[string]string{"imageLayoutVersion": "1.0.0"}); err != nil {
		return err
	}
	if err := tw.json("index.json", idx); err != nil {
		return err
	}
	if format == "docker" {
		if err := tw.json("manifest.json", dms); err != nil {
			return err
		}
	}
	return tw.tw.Close()
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// saveImage writes one image's blobs; for "docker" with each layer
// uncompressed (its digest is then its diff ID) under a new manifest.
func (s *Store) saveImage(tw *saveWriter, img *Image, format string) (v1.Descriptor, dockerManifest, error) {
	dm := dockerManifest{Config: "blobs/sha256/" + img.Manifest.Config.Digest.Hex}
	if err := tw.bytes(img.Manifest.Config.Digest, img.ConfigRaw); err != nil {
		return v1.Descriptor{}, dm, err
	}
	m := *img.Manifest
	m.Layers = nil
	chains := chainIDs(img.Config.RootFS.DiffIDs)
	for i, l := range img.Manifest.Layers {
		if format == "oci" {
			m.Layers = append(m.Layers, l)
			if err := tw.file(l.Digest, l.Size, func() (io.ReadCloser, error) { return os.Open(s.blobPath(l.Digest)) }); err != nil {
				return v1.Descriptor{}, dm, err
			}
			continue
		}
		li, err := s.readLayerInfo(chains[i])
		if err != nil {
			return v1.Descriptor{}, dm, fmt.Errorf("layer %s: %w", l.Digest, err)
		}
		diff := img.Config.RootFS.DiffIDs[i]
		mt := types.OCIUncompressedLayer
		if img.Manifest.MediaType == types.DockerManifestSchema2 {
			mt = types.DockerUncompressedLayer
		}
		m.Layers = append(m.Layers, v1.Descriptor{MediaType: mt, Digest: diff, Size: li.TarSize})
		dm.Layers = append(dm.Layers, "blobs/sha256/"+diff.Hex)
		if err := tw.file(diff, li.TarSize, func() (io.ReadCloser, error) { return s.openUncompressed(l.Digest) }); err != nil {
			return v1.Descriptor{}, dm, err
		}
	}
	raw := img.ManifestRaw
	if format == "docker" {
		var err error
		if raw, err = json.Marshal(m); err != nil {
			return v1.Descriptor{}, dm, err
		}
	}
	h, size, _ := v1.SHA256(bytesReader(raw))
	mt := m.MediaType
	if mt == "" {
		mt = types.OCIManifestSchema1
	}
	if err := tw.bytes(h, raw); err != nil {
		return v1.Descriptor{}, dm, err
	}
	return v1.Descriptor{MediaType: mt, Digest: h, Size: size}, dm, nil
}

// openUncompressed opens a stored layer blob as its tar.
func (s *Store) openUncompressed(h v1.Hash) (io.ReadCloser, error) {
	f, err := os.Open(s.blobPath(h))
	if err != nil {
		return nil, err
	}
	head := make([]byte, 4)
	n, _ := f.ReadAt(head, 0)
	r, closeFn, err := decompress(compressionOf(head[:n]), f)
	if err != nil {
		f.Close()
		return nil, err
	}
	return struct {
		io.Reader
		io.Closer
	}{r, closerFunc(func() error { closeFn(); return f.Close() })}, nil
}

type closerFunc func() error

func (c closerFunc) Close() error { return c() }

type saveWriter struct {
	tw   *tar.Writer
	done map[string]bool // blobs written: images share layers
}

var saveTime = time.Unix(0, 0)

func (w *saveWriter) header(name string, size int64) error {
	return w.tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: size, ModTime: saveTime, Typeflag: tar.TypeReg, Format: tar.FormatPAX})
}

func (w *saveWriter) json(name string, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if err := w.header(name, int64(len(raw))); err != nil {
		return err
	}
	_, err = w.tw.Write(raw)
	return err
}

func (w *saveWriter) bytes(h v1.Hash, raw []byte) error {
	return w.file(h, int64(len(raw)), func() (io.ReadCloser, error) { return io.NopCloser(bytesReader(raw)), nil })
}

func (w *saveWriter) file(h v1.Hash, size int64, open func() (io.ReadCloser, error)) error {
	name := "blobs/sha256/" + h.Hex
	if w.done[name] {
		return nil
	}
	w.done[name] = true
	r, err := open()
	if err != nil {
		return fmt.Errorf("blob %s: %w", h, err)
	}
	defer r.Close()
	if err := w.header(name, size); err != nil {
		return err
	}
	if n, err := io.Copy(w.tw, r); err != nil || n != size {
		return fmt.Errorf("blob %s: wrote %d of %d bytes: %v", h, n, size, err)
	}
	return nil
}

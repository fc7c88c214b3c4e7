package image

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strings"

	"github.com/google/go-containerregistry/pkg/v1"
)

// Loaded is one image a load added: its ID and full tags.
type Loaded struct {
	ID   string
	Tags []string
}

// Load adds the images of a `docker save` tar or an OCI layout tar. A file
// that cannot seek (a pipe) is copied under tmp/ first.
func (s *Store) Load(f *os.File, rep Reporter) (_ []Loaded, err error) {
	op, err := s.startOp()
	if err != nil {
		return nil, err
	}
	defer func() { s.endOp(op, err) }()
	if _, err := f.Seek(0, io.SeekCurrent); err != nil {
		spool, err := s.spool(f)
		if err != nil {
			return nil, err
		}
		defer os.Remove(spool.Name())
		defer spool.Close()
		f = spool
	}
	a, err := openArchive(f)
	if err != nil {
		return nil, err
	}
	switch {
	case a.has("index.json") && a.has("oci-layout"):
		return s.loadOCI(a, rep)
	case a.has("manifest.json"):
		return s.loadDocker(a, rep)
	}
	return nil, errors.New("not an image archive: it has neither manifest.json (docker save) nor oci-layout and index.json (OCI layout)")
}

func (s *Store) spool(r io.Reader) (*os.File, error) {
	f, err := os.CreateTemp(s.path("tmp"), "input-")
	if err != nil {
		return nil, err
	}
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, fmt.Errorf("reading the input: %w", err)
	}
	return f, nil
}

// dockerManifest is one entry of a docker-save manifest.json.
type dockerManifest struct {
	Config   string
	RepoTags []string
	Layers   []string
}

func (a *archive) dockerManifests() ([]dockerManifest, error) {
	if !a.has("manifest.json") {
		return nil, nil
	}
	raw, err := a.read("manifest.json")
	if err != nil {
		return nil, err
	}
	var ms []dockerManifest
	if err := json.Unmarshal(raw, &ms); err != nil {
		return nil, fmt.Errorf("manifest.json: %w", err)
	}
	return ms, nil
}

func (s *Store) loadDocker(a *archive, rep Reporter) ([]Loaded, error) {
	ms, err := a.dockerManifests()
	if err != nil {
		return nil, err
	}
	var out []Loaded
	for _, m := range ms {
		cfg, err := a.read(m.Config)
		if err != nil {
			return out, err
		}
		tags, err := fullTags(m.RepoTags)
		if err != nil {
			return out, err
		}
		ni := &newImage{ConfigRaw: cfg, Tags: tags, OpenLayer: func(i int) (io.ReadCloser, error) {
			if i >= len(m.Layers) {
				return nil, fmt.Errorf("manifest.json lists %d layers, the config more", len(m.Layers))
			}
			return a.open(m.Layers[i])
		}}
		for _, l := range m.Layers { // Docker 25 names layers by digest
			h, _ := validHash("sha256:" + strings.TrimPrefix(cleanArchiveName(l), "blobs/sha256/"))
			ni.LayerBlobs = append(ni.LayerBlobs, h)
		}
		rec, err := s.add(ni, rep)
		if err != nil {
			return out, err
		}
		out = append(out, Loaded{ID: rec.ID, Tags: tags})
	}
	return out, nil
}

func fullTags(names []string) ([]string, error) {
	var out []string
	for _, n := range names {
		t, err := ParseTag(n)
		if err != nil {
			return nil, err
		}
		out = append(out, FullName(t))
	}
	return out, nil
}

func (s *Store) loadOCI(a *archive, rep Reporter) ([]Loaded, error) {
	raw, err := a.read("index.json")
	if err != nil {
		return nil, err
	}
	idx, err := v1.ParseIndexManifest(strings.NewReader(string(raw)))
	if err != nil {
		return nil, fmt.Errorf("index.json: %w", err)
	}
	dms, _ := a.dockerManifests() // tags, when the archive has Docker's file too
	var out []Loaded
	for _, d := range idx.Manifests {
		md, err := a.pickManifest(d, 0)
		if err != nil {
			return out, err
		}
		mraw, err := a.blob(md.Digest)
		if err != nil {
			return out, err
		}
		m, err := decodeManifest(mraw)
		if err != nil {
			return out, err
		}
		craw, err := a.blob(m.Config.Digest)
		if err != nil {
			return out, err
		}
		var names []string
		if n := ociName(d); n != "" {
			names = append(names, n)
		}
		for _, dm := range dms {
			if cleanArchiveName(dm.Config) == "blobs/sha256/"+m.Config.Digest.Hex {
				names = append(names, dm.RepoTags...)
			}
		}
		tags, err := fullTags(names)
		if err != nil {
			return out, err
		}
		slices.Sort(tags)
		tags = slices.Compact(tags)
		ni := &newImage{ManifestRaw: mraw, ConfigRaw: craw, Tags: tags,
			OpenLayer: func(i int) (io.ReadCloser, error) { return a.blobReader(m.Layers[i].Digest) }}
		rec, err := s.add(ni, rep)
		if err != nil {
			return out, err
		}
		out = append(out, Loaded{ID: rec.ID, Tags: tags})
	}
	return out, nil
}

// ociName is the name an OCI layout gives a manifest: containerd's full
// name annotation, or ref.name when it is a whole reference.
func ociName(d v1.Descriptor) string {
	if n := d.Annotations["io.containerd.image.name"]; n != "" {
		return n
	}
	if n := d.Annotations["org.opencontainers.image.ref.name"]; strings.ContainsAny(n, "/:") {
		return n
	}
	return ""
}

// pickManifest follows an index down to the image for this host.
func (a *archive) pickManifest(d v1.Descriptor, depth int) (v1.Descriptor, error) {
	if !d.MediaType.IsIndex() {
		if d.MediaType != "" && !d.MediaType.IsImage() {
			return d, fmt.Errorf("index.json: %s: unknown media type %q", d.Digest, d.MediaType)
		}
		return d, nil
	}
	if depth > 4 {
		return d, errors.New("index.json: indexes nested too deep")
	}
	raw, err := a.blob(d.Digest)
	if err != nil {
		return d, err
	}
	idx, err := v1.ParseIndexManifest(strings.NewReader(string(raw)))
	if err != nil {
		return d, fmt.Errorf("index %s: %w", d.Digest, err)
	}
	want := HostPlatform()
	for _, m := range idx.Manifests {
		if m.MediaType.IsIndex() || m.Platform == nil || m.Platform.Satisfies(want) {
			return a.pickManifest(m, depth+1)
		}
	}
	return d, fmt.Errorf("index %s has no image for %s/%s", d.Digest, want.OS, want.Architecture)
}

// HostPlatform is linux on this machine's architecture.
func HostPlatform() v1.Platform {
	p := v1.Platform{OS: "linux", Architecture: runtime.GOARCH}
	if p.Architecture == "arm64" {
		p.Variant = "v8"
	}
	return p
}

func (a *archive) blob(h v1.Hash) ([]byte, error) {
	if _, err := validHash(h.String()); err != nil {
		return nil, err
	}
	raw, err := a.read("blobs/sha256/" + h.Hex)
	if err != nil {
		return nil, fmt.Errorf("blob %s: %w", h, err)
	}
	if got, _, _ := v1.SHA256(strings.NewReader(string(raw))); got != h {
		return nil, &DigestError{Blob: h, Got: got}
	}
	return raw, nil
}

func (a *archive) blobReader(h v1.Hash) (io.ReadCloser, error) {
	r, err := a.open("blobs/sha256/" + h.Hex)
	if err != nil {
		return nil, fmt.Errorf("layer blob %s: %w", h, err)
	}
	return r, nil
}

package image

import (
	"encoding/json"
	"io"
	"os"
	"time"

	"github.com/google/go-containerregistry/pkg/v1"
)

// Import makes a one-layer image from a root filesystem tarball (plain,
// gzip or zstd), with config changes (Dockerfile instructions), named
// tag (full name; may be empty). source names the input in the history.
func (s *Store) Import(r io.Reader, source string, changes []string, tag string) (_ *Record, err error) {
	var cfg v1.Config
	cfg.Env = []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}
	for _, ch := range changes {
		if err := ApplyChange(&cfg, ch); err != nil {
			return nil, err
		}
	}
	op, err := s.startOp()
	if err != nil {
		return nil, err
	}
	defer func() { s.endOp(op, err) }()
	// the config needs the layer's diff ID: read the input once to a
	// file under tmp/, hashing its tar, then add it from there
	blob, err := os.CreateTemp(s.path("tmp"), "import-")
	if err != nil {
		return nil, err
	}
	defer os.Remove(blob.Name())
	defer blob.Close()
	j := &layerJob{}
	if _, err := s.stream(j, io.TeeReader(r, blob), nil, ""); err != nil {
		return nil, err
	}
	diff := j.gotDiff
	now := time.Now().UTC()
	cf := v1.ConfigFile{
		Architecture: HostPlatform().Architecture, OS: "linux", Created: v1.Time{Time: now},
		Config:  cfg,
		RootFS:  v1.RootFS{Type: "layers", DiffIDs: []v1.Hash{diff}},
		History: []v1.History{{Created: v1.Time{Time: now}, Comment: "Imported from " + source}},
	}
	raw, err := json.Marshal(cf)
	if err != nil {
		return nil, err
	}
	ni := &newImage{ConfigRaw: raw, LayerBlobs: []v1.Hash{j.gotBlob},
		OpenLayer: func(int) (io.ReadCloser, error) { return os.Open(blob.Name()) }}
	if tag != "" {
		ni.Tags = []string{tag}
	}
	return s.add(ni, Quiet{})
}

package image

import (
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"golang.org/x/sync/errgroup"
)

// parallelLayers is how many layers download, decompress and unpack at
// once: enough to overlap one layer's network wait with another's CPU work.
const parallelLayers = 4

// newImage is an image on its way into the store, from any source.
type newImage struct {
	// ManifestRaw is the manifest as fetched; nil to make one from the
	// config and the layers (docker-archive loads, import).
	ManifestRaw []byte
	ConfigRaw   []byte
	// OpenLayer opens layer i's blob as the manifest names it (for a made
	// manifest: the i-th layer of the config's diff IDs, any compression).
	OpenLayer  func(i int) (io.ReadCloser, error)
	LayerBlobs []v1.Hash // known blob digests, when there is no manifest (may be zero)
	Tags       []string  // full names
	RepoDigest string    // full name@manifest digest, for pulls
	// Parent and BuildKey: a build step's (see Record)
	Parent, BuildKey string
}

// add puts an image in the store: blobs, layers (in parallel, each once),
// then the manifest, then the index record. Until that last rename the
// image does not exist. The caller holds an operation (startOp) and
// cleans up after a failure (endOp).
func (s *Store) add(ni *newImage, rep Reporter) (rec *Record, err error) {
	cfg, err := decodeConfig(ni.ConfigRaw)
	if err != nil {
		return nil, err
	}
	var m *v1.Manifest
	var wantConfig v1.Hash
	if ni.ManifestRaw != nil {
		if m, err = decodeManifest(ni.ManifestRaw); err != nil {
			return nil, err
		}
		if len(m.Layers) != len(cfg.RootFS.DiffIDs) {
			return nil, fmt.Errorf("manifest has %d layers, its config %d diff IDs", len(m.Layers), len(cfg.RootFS.DiffIDs))
		}
		wantConfig = m.Config.Digest
	}
	configDigest, err := s.writeBlob(ni.ConfigRaw, wantConfig)
	if err != nil {
		return nil, fmt.Errorf("image config: %w", err)
	}
	jobs := s.layerJobs(ni, m, cfg)
	g := errgroup.Group{}
	g.SetLimit(parallelLayers)
	for _, j := range jobs {
		g.Go(func() error { return s.ensureLayerRetrying(j, rep) })
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	raw := ni.ManifestRaw
	if raw == nil {
		if raw, err = makeManifest(configDigest, int64(len(ni.ConfigRaw)), jobs); err != nil {
			return nil, err
		}
	}
	md, err := s.writeBlob(raw, v1.Hash{})
	if err != nil {
		return nil, err
	}
	rec = &Record{ID: configDigest.String(), Manifest: md.String(), RepoTags: ni.Tags, Added: time.Now().UTC(),
		Parent: ni.Parent, BuildKey: ni.BuildKey}
	if ni.RepoDigest != "" {
		rec.RepoDigests = []string{ni.RepoDigest}
	}
	err = s.updateIndex(func(ix *index) error {
		rec = ix.add(rec)
		return nil
	})
	return rec, err
}

func (s *Store) layerJobs(ni *newImage, m *v1.Manifest, cfg *v1.ConfigFile) []*layerJob {
	chains := chainIDs(cfg.RootFS.DiffIDs)
	jobs := make([]*layerJob, len(chains))
	for i := range chains {
		j := &layerJob{chain: chains[i], diffID: cfg.RootFS.DiffIDs[i], open: func() (io.ReadCloser, error) { return ni.OpenLayer(i) }}
		if m != nil {
			j.blob, j.size = m.Layers[i].Digest, m.Layers[i].Size
		} else if i < len(ni.LayerBlobs) {
			j.blob = ni.LayerBlobs[i]
		}
		jobs[i] = j
	}
	return jobs
}

// makeManifest writes an OCI manifest for layers stored as they came.
func makeManifest(config v1.Hash, configSize int64, jobs []*layerJob) ([]byte, error) {
	m := v1.Manifest{
		SchemaVersion: 2,
		MediaType:     types.OCIManifestSchema1,
		Config:        v1.Descriptor{MediaType: types.OCIConfigJSON, Digest: config, Size: configSize},
	}
	for _, j := range jobs {
		mt := types.OCIUncompressedLayer
		switch j.compress {
		case "gzip":
			mt = types.OCILayer
		case "zstd":
			mt = types.OCILayerZStd
		}
		m.Layers = append(m.Layers, v1.Descriptor{MediaType: mt, Digest: j.gotBlob, Size: j.blobSize})
	}
	return json.Marshal(m)
}

// ensureLayerRetrying tries a layer again when reading it from its source
// failed (a registry that went away mid-download): 3 tries in all.
func (s *Store) ensureLayerRetrying(j *layerJob, rep Reporter) error {
	var err error
	for try := 1; ; try++ {
		if err = s.ensureLayer(j, rep); err == nil || !isFetchError(err) || try == 3 {
			return err
		}
		rep.Status(shortID(j.blob, j.diffID), fmt.Sprintf("Retrying in %d seconds", try))
		time.Sleep(time.Duration(try) * time.Second)
	}
}

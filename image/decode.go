package image

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// layerTypes are the layer media types the store can unpack.
var layerTypes = map[types.MediaType]bool{
	types.DockerLayer: true, types.DockerForeignLayer: true, types.DockerUncompressedLayer: true,
	types.OCILayer: true, types.OCILayerZStd: true, types.OCIUncompressedLayer: true,
	types.OCIRestrictedLayer: true, types.OCIUncompressedRestrictedLayer: true,
	"application/vnd.oci.image.layer.nondistributable.v1.tar+zstd": true,
}

// decodeManifest parses an image manifest (OCI or Docker v2 schema 2) and
// checks what the store relies on: digests it may use as file names and
// layer types it can unpack.
func decodeManifest(raw []byte) (*v1.Manifest, error) {
	m, err := v1.ParseManifest(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("manifest: %w", err)
	}
	if m.SchemaVersion != 2 {
		return nil, fmt.Errorf("manifest: schemaVersion %d is not supported (want 2)", m.SchemaVersion)
	}
	switch m.MediaType {
	case "", types.OCIManifestSchema1, types.DockerManifestSchema2:
	default:
		return nil, fmt.Errorf("manifest: unknown media type %q", m.MediaType)
	}
	if _, err := validHash(m.Config.Digest.String()); err != nil {
		return nil, fmt.Errorf("manifest: config: %w", err)
	}
	for i, l := range m.Layers {
		if _, err := validHash(l.Digest.String()); err != nil {
			return nil, fmt.Errorf("manifest: layer %d: %w", i, err)
		}
		if !layerTypes[l.MediaType] {
			return nil, fmt.Errorf("manifest: layer %s: unknown media type %q", l.Digest, l.MediaType)
		}
		if l.Size < 0 {
			return nil, fmt.Errorf("manifest: layer %s: negative size", l.Digest)
		}
	}
	return m, nil
}

// decodeConfig parses an image config and checks its diff IDs.
func decodeConfig(raw []byte) (*v1.ConfigFile, error) {
	var c v1.ConfigFile
	if err := json.Unmarshal(raw, &c); err != nil {
		return nil, fmt.Errorf("image config: %w", err)
	}
	if c.RootFS.Type != "" && c.RootFS.Type != "layers" {
		return nil, fmt.Errorf("image config: rootfs.type %q is not \"layers\"", c.RootFS.Type)
	}
	for i, d := range c.RootFS.DiffIDs {
		if _, err := validHash(d.String()); err != nil {
			return nil, fmt.Errorf("image config: rootfs.diff_ids[%d]: %w", i, err)
		}
	}
	if c.OS != "" && c.OS != "linux" {
		return nil, fmt.Errorf("image config: os %q: only linux images run here", c.OS)
	}
	return &c, nil
}

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }

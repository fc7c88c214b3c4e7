package image

import (
	"strings"
	"testing"
)

const hexA = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

func TestDecodeManifest(t *testing.T) {
	good := `{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
		"config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:` + hexA + `","size":2},
		"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:` + hexA + `","size":3}]}`
	if _, err := decodeManifest([]byte(good)); err != nil {
		t.Fatal(err)
	}
	for bad, want := range map[string]string{
		strings.Replace(good, "tar+gzip", "tar+lz4", 1):                                   "unknown media type",
		strings.Replace(good, `"schemaVersion":2`, `"schemaVersion":1`, 1):                "schemaVersion 1",
		strings.Replace(good, "sha256:"+hexA+`","size":3`, `sha256:../../x","size":3`, 1): "non-hex",
		strings.Replace(good, "manifest.v1", "index.v1", 1):                               "unknown media type",
		"{": "manifest",
	} {
		_, err := decodeManifest([]byte(bad))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want %q", bad, err, want)
		}
	}
}

func TestDecodeConfig(t *testing.T) {
	if _, err := decodeConfig([]byte(`{"os":"linux","rootfs":{"type":"layers","diff_ids":["sha256:` + hexA + `"]}}`)); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{`{"os":"windows"}`, `{"rootfs":{"type":"layers","diff_ids":["md5:x"]}}`, `[`} {
		if _, err := decodeConfig([]byte(bad)); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}

func FuzzDecodeManifest(f *testing.F) {
	f.Add([]byte(`{"schemaVersion":2,"config":{"digest":"sha256:` + hexA + `"},"layers":[]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := decodeManifest(data)
		if err != nil {
			return
		}
		// whatever passes must be safe to use as file names
		for _, l := range m.Layers {
			if strings.ContainsAny(l.Digest.Hex, "/.") {
				t.Fatalf("layer digest %q passed", l.Digest)
			}
		}
	})
}

func FuzzDecodeConfig(f *testing.F) {
	f.Add([]byte(`{"os":"linux","config":{"Cmd":["sh"]},"rootfs":{"type":"layers","diff_ids":["sha256:` + hexA + `"]}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := decodeConfig(data)
		if err != nil {
			return
		}
		for _, d := range c.RootFS.DiffIDs {
			if len(d.Hex) != 64 {
				t.Fatalf("diff id %q passed", d)
			}
		}
	})
}

package image

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/klauspost/compress/gzip"
)

func needRoot(t testing.TB) {
	if os.Geteuid() != 0 {
		t.Skip("unpacking layers needs root")
	}
}

func layerTar(files map[string]string) []byte {
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for n, c := range files {
		tw.WriteHeader(&tar.Header{Name: n, Mode: 0o644, Size: int64(len(c)), Typeflag: tar.TypeReg})
		tw.Write([]byte(c))
	}
	tw.Close()
	return b.Bytes()
}

func sha(b []byte) string { return fmt.Sprintf("sha256:%x", sha256.Sum256(b)) }

// dockerArchive writes a `docker save` tar of one image with these layers.
func dockerArchive(t testing.TB, tag string, layers ...[]byte) []byte {
	var diffs []string
	for _, l := range layers {
		diffs = append(diffs, sha(l))
	}
	cfg, _ := json.Marshal(map[string]any{"os": "linux", "architecture": "amd64",
		"config": map[string]any{"Cmd": []string{"sh"}}, "rootfs": map[string]any{"type": "layers", "diff_ids": diffs}})
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	add := func(n string, data []byte) {
		tw.WriteHeader(&tar.Header{Name: n, Mode: 0o644, Size: int64(len(data)), Typeflag: tar.TypeReg})
		tw.Write(data)
	}
	var names []string
	for i, l := range layers {
		n := fmt.Sprintf("l%d/layer.tar", i)
		if i%2 == 1 { // gzip layers load too
			var z bytes.Buffer
			zw := gzip.NewWriter(&z)
			zw.Write(l)
			zw.Close()
			l = z.Bytes()
		}
		add(n, l)
		names = append(names, n)
	}
	add("config.json", cfg)
	m, _ := json.Marshal([]map[string]any{{"Config": "config.json", "RepoTags": []string{tag}, "Layers": names}})
	add("manifest.json", m)
	tw.Close()
	return b.Bytes()
}

func loadBytes(t *testing.T, s *Store, data []byte) ([]Loaded, error) {
	f, err := os.CreateTemp(t.TempDir(), "in")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	f.Write(data)
	f.Seek(0, 0)
	return s.Load(f, Quiet{})
}

func entries(t *testing.T, dir string) []string {
	es, _ := os.ReadDir(dir)
	var out []string
	for _, e := range es {
		out = append(out, e.Name())
	}
	return out
}

func TestLoadSharesLayersAndRemoves(t *testing.T) {
	needRoot(t)
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	base := layerTar(map[string]string{"bin/sh": "shell"})
	a := layerTar(map[string]string{"a": "A"})
	b := layerTar(map[string]string{"b": "B"})
	if _, err := loadBytes(t, s, dockerArchive(t, "one:1", base, a)); err != nil {
		t.Fatal(err)
	}
	if _, err := loadBytes(t, s, dockerArchive(t, "two:2", base, b)); err != nil {
		t.Fatal(err)
	}
	if n := len(entries(t, s.path("layers"))); n != 3 {
		t.Fatalf("%d layers stored, want 3 (the base once)", n)
	}
	img, err := s.Get("one:1")
	if err != nil {
		t.Fatal(err)
	}
	dirs, _ := s.LayerDirs(img)
	if c, _ := os.ReadFile(filepath.Join(dirs[1], "a")); string(c) != "A" {
		t.Fatalf("layer content %q", c)
	}
	if err := s.Use("ctr", img.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Remove("one:1", false); err == nil || !strings.Contains(err.Error(), "container ctr is using") {
		t.Fatalf("rm of a used image: %v", err)
	}
	s.Unuse("ctr")
	if _, err := s.Remove("one:1", false); err != nil {
		t.Fatal(err)
	}
	if n := len(entries(t, s.path("layers"))); n != 2 {
		t.Fatalf("%d layers after rm, want 2", n)
	}
	if _, err := s.Get("one:1"); err == nil {
		t.Fatal("removed image still found")
	}
}

func TestLoadBadLayerLeavesNothing(t *testing.T) {
	needRoot(t)
	s, _ := Open(t.TempDir())
	good := layerTar(map[string]string{"f": "x"})
	arch := dockerArchive(t, "bad:1", good)
	// same length, other content: the diff ID no longer matches
	arch = bytes.Replace(arch, []byte("x"), []byte("y"), 1)
	_, err := loadBytes(t, s, arch)
	if err == nil || !strings.Contains(err.Error(), "digest mismatch") {
		t.Fatalf("error %v, want a digest mismatch", err)
	}
	for _, d := range []string{"layers", "blobs/sha256", "tmp", "l"} {
		if e := entries(t, s.path(d)); len(e) != 0 {
			t.Errorf("%s left: %v", d, e)
		}
	}
	if _, err := s.Get("bad:1"); err == nil {
		t.Error("a half image is listed")
	}
}

func TestConcurrentLoadsUnpackOnce(t *testing.T) {
	needRoot(t)
	s, _ := Open(t.TempDir())
	arch := dockerArchive(t, "c:1", layerTar(map[string]string{"f": strings.Repeat("z", 1<<20)}))
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Add(1)
		go func() { defer wg.Done(); _, errs[i] = loadBytes(t, s, arch) }()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := len(entries(t, s.path("layers"))); n != 1 {
		t.Fatalf("%d layers", n)
	}
	imgs, _ := s.List()
	if len(imgs) != 1 {
		t.Fatalf("%d images", len(imgs))
	}
}

func TestGCRemovesLeftovers(t *testing.T) {
	s, _ := Open(t.TempDir())
	os.MkdirAll(s.path("tmp", "layer-123", "layer", "diff"), 0o755)
	os.WriteFile(s.path("blobs", "sha256", strings.Repeat("b", 64)), []byte("x"), 0o600)
	os.MkdirAll(s.path("layers", strings.Repeat("c", 64), "diff"), 0o755)
	if err := s.GC(true); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"layers", "blobs/sha256", "tmp"} {
		if e := entries(t, s.path(d)); len(e) != 0 {
			t.Errorf("%s left: %v", d, e)
		}
	}
}

func TestStaleIndexTempsGo(t *testing.T) {
	for _, how := range []string{"gc", "index write"} {
		s, _ := Open(t.TempDir())
		stale := s.path(".index.json.tmp-123")
		os.WriteFile(stale, []byte("{"), 0o600)
		var err error
		if how == "gc" {
			err = s.GC(true)
		} else {
			err = s.updateIndex(func(*index) error { return nil })
		}
		if err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(stale); err == nil {
			t.Errorf("%s left %s", how, stale)
		}
	}
}

func TestFindAndNames(t *testing.T) {
	ix := &index{Images: []*Record{
		{ID: "sha256:" + strings.Repeat("a", 64), RepoTags: []string{"docker.io/library/busybox:latest"}},
		{ID: "sha256:ab" + strings.Repeat("0", 62), RepoDigests: []string{"127.0.0.1:5000/x@sha256:" + strings.Repeat("d", 64)}},
	}}
	for ref, want := range map[string]int{"busybox": 0, "docker.io/library/busybox:latest": 0, "aaaa": 0,
		"sha256:" + strings.Repeat("a", 64): 0, "ab0": 1, "127.0.0.1:5000/x@sha256:" + strings.Repeat("d", 64): 1} {
		r, err := ix.find(ref)
		if err != nil || r != ix.Images[want] {
			t.Errorf("%s: %v %v", ref, r, err)
		}
	}
	if _, err := ix.find("a"); err == nil {
		t.Error("ambiguous prefix accepted")
	}
	if _, err := ix.find("nope"); err == nil || err.Error() != "No such image: nope" {
		t.Errorf("missing: %v", err)
	}
	if Familiar("docker.io/library/busybox:latest") != "busybox:latest" || Familiar("docker.io/u/a:1") != "u/a:1" {
		t.Error("familiar names")
	}
}

func TestGCKeepsEverythingWhenAnImageIsUnreadable(t *testing.T) {
	needRoot(t)
	s, _ := Open(t.TempDir())
	if _, err := loadBytes(t, s, dockerArchive(t, "x:1", layerTar(map[string]string{"f": "x"}))); err != nil {
		t.Fatal(err)
	}
	img, _ := s.Get("x:1")
	os.Rename(s.blobPath(img.ManifestDigest), s.blobPath(img.ManifestDigest)+".away")
	if err := s.GC(true); err == nil {
		t.Fatal("GC ran with an unreadable image")
	}
	if n := len(entries(t, s.path("layers"))); n != 1 {
		t.Fatalf("%d layers left, want 1", n)
	}
	if _, err := s.Remove("x:1", false); err != nil {
		t.Fatal(err)
	}
	os.Remove(s.blobPath(img.ManifestDigest) + ".away")
	if n := len(entries(t, s.path("layers"))); n != 0 {
		t.Fatalf("%d layers after rm", n)
	}
}

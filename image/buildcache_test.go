package image

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// buildChain makes a chain of build steps on base: a layer step, then a
// config-only step; it returns the step images.
func buildChain(t *testing.T, s *Store, base *Image) (*Image, *Image) {
	t.Helper()
	upper := t.TempDir()
	os.WriteFile(filepath.Join(upper, "f"), []byte("step"), 0o644)
	a, err := s.Child(base, upper, CommitOptions{CreatedBy: "COPY f /f", Parent: base.ID, BuildKey: "k1"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.Child(a, "", CommitOptions{Config: v1.Config{Cmd: []string{"x"}}, CreatedBy: "CMD x", Parent: a.ID, BuildKey: "k2"})
	if err != nil {
		t.Fatal(err)
	}
	return a, b
}

// chainOnBase is a store with base:1 (one file) loaded and buildChain's
// two steps on it.
func chainOnBase(t *testing.T) (s *Store, base, a, b *Image) {
	t.Helper()
	needRoot(t)
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := loadBytes(t, s, dockerArchive(t, "base:1", layerTar(map[string]string{"a": "1"}))); err != nil {
		t.Fatal(err)
	}
	if base, err = s.Get("base:1"); err != nil {
		t.Fatal(err)
	}
	a, b = buildChain(t, s, base)
	return s, base, a, b
}

func TestChildLayersAndEmptySteps(t *testing.T) {
	s, _, a, b := chainOnBase(t)
	if len(a.Config.RootFS.DiffIDs) != 2 || len(b.Config.RootFS.DiffIDs) != 2 {
		t.Fatalf("layers: step %d, config step %d; want 2 and 2", len(a.Config.RootFS.DiffIDs), len(b.Config.RootFS.DiffIDs))
	}
	h := b.Config.History
	if n := len(h); n < 2 || h[n-1].EmptyLayer != true || h[n-2].EmptyLayer {
		t.Fatalf("history: %+v", h)
	}
	if b.Manifest.Layers[1].MediaType != "application/vnd.oci.image.layer.v1.tar+gzip" {
		t.Fatalf("layer media type %s, want gzip", b.Manifest.Layers[1].MediaType)
	}
	scratch, err := s.Child(nil, "", CommitOptions{CreatedBy: "ENV A=b", BuildKey: "k"})
	if err != nil || len(scratch.Config.RootFS.DiffIDs) != 0 {
		t.Fatalf("config step on scratch: %v %+v", err, scratch)
	}
}

func TestBuildCacheFindsSteps(t *testing.T) {
	s, base, a, b := chainOnBase(t)
	c, err := s.BuildCache()
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Lookup(base.ID, "k1"); got == nil || got.ID != a.ID {
		t.Fatalf("lookup k1: %v, want %s", got, a.ID)
	}
	if got := c.Lookup(a.ID, "k2"); got == nil || got.ID != b.ID {
		t.Fatalf("lookup k2: %v", got)
	}
	if c.Lookup(a.ID, "k1") != nil || c.Lookup(base.ID, "k2") != nil {
		t.Fatal("a key must match on its own parent only")
	}
}

func TestRemoveTakesUntaggedParents(t *testing.T) {
	s, base, a, b := chainOnBase(t)
	if err := s.Tag(b.ID, "app:1"); err != nil {
		t.Fatal(err)
	}
	// the intermediate step stays while the tagged image needs it
	if _, err := s.Prune(false); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(a.ID); err != nil {
		t.Fatalf("prune removed a parent of a tagged image: %v", err)
	}
	out, err := s.Remove("app:1", false)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(out.Deleted, b.ID) || !slices.Contains(out.Deleted, a.ID) || slices.Contains(out.Deleted, base.ID) {
		t.Fatalf("deleted %v; want the image and its untagged parent, not the tagged base", out.Deleted)
	}
	if _, err := s.Get("base:1"); err != nil {
		t.Fatal(err)
	}
}

func TestPruneTakesDanglingChains(t *testing.T) {
	s, base, a, b := chainOnBase(t)
	deleted, err := s.Prune(false)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(deleted, a.ID) || !slices.Contains(deleted, b.ID) || len(deleted) != 2 {
		t.Fatalf("prune deleted %v, want the two steps", deleted)
	}
	// a base that lost its name stays while a built image needs it
	a, b = buildChain(t, s, base)
	s.Tag(b.ID, "app:1")
	if out, err := s.Remove("base:1", false); err != nil || len(out.Deleted) != 0 {
		t.Fatalf("rm base with children: %v %+v", err, out)
	}
	if deleted, _ := s.Prune(true); len(deleted) != 3 {
		t.Fatalf("prune -a deleted %v, want the app, its step and the base", deleted)
	}
}

func TestHistoryNamesBuildSteps(t *testing.T) {
	needRoot(t)
	s, _ := Open(t.TempDir())
	upper := t.TempDir()
	os.WriteFile(filepath.Join(upper, "a"), []byte("1"), 0o644)
	base, err := s.Child(nil, upper, CommitOptions{CreatedBy: "ADD base"})
	if err != nil {
		t.Fatal(err)
	}
	a, b := buildChain(t, s, base)
	var ids []string
	for _, e := range s.History(b) {
		ids = append(ids, e.ID)
	}
	// newest first: the image, its parent step, the base
	if want := []string{b.ID, a.ID, base.ID}; !slices.Equal(ids, want) {
		t.Fatalf("history IDs %q, want %q", ids, want)
	}
	// an image whose history does not tell of every layer names no step:
	// its rows cannot be matched to its parents'
	if _, err := loadBytes(t, s, dockerArchive(t, "nohist:1", layerTar(map[string]string{"a": "1"}))); err != nil {
		t.Fatal(err)
	}
	nh, _ := s.Get("nohist:1")
	_, nb := buildChain(t, s, nh)
	for i, e := range s.History(nb)[1:] {
		if e.ID != "<missing>" {
			t.Fatalf("row %d named %s", i+1, e.ID)
		}
	}
}

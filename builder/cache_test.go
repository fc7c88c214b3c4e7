package builder

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestCacheKey(t *testing.T) {
	a := cacheKey(change{createdBy: "RUN x"})
	if a != cacheKey(change{createdBy: "RUN x"}) {
		t.Fatal("the same step has two keys")
	}
	for _, ch := range []change{{createdBy: "RUN y"}, {createdBy: "RUN x", keyExtra: "c"}, {createdBy: "RUN x\x00"}} {
		if cacheKey(ch) == a {
			t.Errorf("%q %q has the key of RUN x", ch.createdBy, ch.keyExtra)
		}
	}
}

// hashOf is what a COPY of pattern from dir puts in its cache key.
func hashOf(t *testing.T, dir string, patterns ...string) string {
	t.Helper()
	r, err := openContext(dir)
	if err != nil {
		t.Fatal(err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	p := &copyPlan{src: r, root: root}
	for _, pat := range patterns {
		found, err := r.resolve(root, pat)
		if err != nil {
			t.Fatal(err)
		}
		p.entries = append(p.entries, found...)
	}
	kind, sum, err := p.hash()
	if err != nil {
		t.Fatal(err)
	}
	return kind + ":" + sum
}

func TestCopyHash(t *testing.T) {
	dir := testContext(t, "d/a", "d/b", "f")
	base := hashOf(t, dir, "d")
	if base[:4] != "dir:" || hashOf(t, dir, "f")[:5] != "file:" || hashOf(t, dir, "d", "f")[:6] != "multi:" {
		t.Fatalf("kinds: %s %s %s", base, hashOf(t, dir, "f"), hashOf(t, dir, "d", "f"))
	}
	// times do not count: a touched file is the same source
	later := time.Now().Add(time.Hour)
	os.Chtimes(filepath.Join(dir, "d/a"), later, later)
	if hashOf(t, dir, "d") != base {
		t.Fatal("a touched file changed the hash")
	}
	// content, modes and names do
	os.WriteFile(filepath.Join(dir, "d/a"), []byte("changed"), 0o644)
	changed := hashOf(t, dir, "d")
	if changed == base {
		t.Fatal("changed content kept the hash")
	}
	os.Chmod(filepath.Join(dir, "d/a"), 0o755)
	if hashOf(t, dir, "d") == changed {
		t.Fatal("a changed mode kept the hash")
	}
	os.Rename(filepath.Join(dir, "d/b"), filepath.Join(dir, "d/c"))
	if hashOf(t, dir, "d") == changed {
		t.Fatal("a renamed file kept the hash")
	}
	// an excluded file does not count
	before := hashOf(t, dir, "d")
	os.WriteFile(filepath.Join(dir, ".dockerignore"), []byte("d/junk\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "d/junk"), []byte("x"), 0o644)
	if hashOf(t, dir, "d") != before {
		t.Fatal("an excluded file changed the hash")
	}
}

package builder

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// testContext makes a build context of the given files ("d/" is a directory).
func testContext(t *testing.T, files ...string) string {
	t.Helper()
	dir := t.TempDir()
	for _, f := range files {
		p := filepath.Join(dir, f)
		if strings.HasSuffix(f, "/") {
			if err := os.MkdirAll(p, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(f), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestDockerignore(t *testing.T) {
	dir := testContext(t, "a.txt", "secret", "logs/x.log", "logs/keep.log", "src/main.go", "src/gen.tmp", "deep/er/z.tmp", "vendor/m/f")
	os.WriteFile(filepath.Join(dir, ".dockerignore"), []byte("# comment\nsecret\nlogs/*.log\n!logs/keep.log\n**/*.tmp\n/vendor\n"), 0o644)
	r, err := openContext(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		rel          string
		dir          bool
		excluded, in bool
	}{
		{"a.txt", false, false, false},
		{"secret", false, true, false},
		{"logs/x.log", false, true, false},
		{"logs/keep.log", false, false, false},
		{"src/gen.tmp", false, true, false},
		{"deep/er/z.tmp", false, true, false},
		{"vendor", true, true, false},
		{"vendor/m/f", false, true, false}, // a parent is excluded
		{"src", true, false, false},
	} {
		ex, walk, err := r.excluded(tc.rel, tc.dir)
		if err != nil || ex != tc.excluded || walk != tc.in {
			t.Errorf("excluded(%q) = %v, %v, %v; want %v, %v", tc.rel, ex, walk, err, tc.excluded, tc.in)
		}
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	// walking the context skips what is excluded; an exception comes back
	var seen []string
	err = r.walk(root, "", func(sub string, d os.DirEntry) error {
		if !d.IsDir() {
			seen = append(seen, sub)
		}
		return nil
	})
	slices.Sort(seen)
	if want := []string{".dockerignore", "a.txt", "logs/keep.log", "src/main.go"}; err != nil || !slices.Equal(seen, want) {
		t.Fatalf("walk: %q, %v; want %q", seen, err, want)
	}
	// a pattern matches only what is not excluded; naming an excluded file fails
	got, err := r.resolve(root, "src/*")
	if err != nil || len(got) != 1 || got[0].rel != "src/main.go" {
		t.Fatalf("resolve src/*: %v, %v", got, err)
	}
	if _, err := r.resolve(root, "secret"); err == nil || !strings.Contains(err.Error(), "excluded by .dockerignore") {
		t.Fatalf("resolve secret: %v", err)
	}
	if got, err := r.resolve(root, "logs"); err != nil || len(got) != 1 || !got[0].dir {
		t.Fatalf("resolve logs: %v, %v", got, err)
	}
}

func TestCleanSource(t *testing.T) {
	for in, want := range map[string]string{".": "", "./a/../b": "b", "/abs/x": "abs/x", "a/": "a"} {
		if got, err := cleanSource(in); err != nil || got != want {
			t.Errorf("cleanSource(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"..", "../x", "a/../../x"} {
		if _, err := cleanSource(bad); err == nil || !strings.Contains(err.Error(), "outside the build context") {
			t.Errorf("cleanSource(%q): %v", bad, err)
		}
	}
}

func TestOpenContextErrors(t *testing.T) {
	if _, err := openContext(""); err == nil {
		t.Error("empty context accepted")
	}
	if _, err := openContext(filepath.Join(t.TempDir(), "nope")); err == nil || !strings.Contains(err.Error(), "not found") {
		t.Errorf("missing context: %v", err)
	}
}

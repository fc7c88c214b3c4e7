package builder

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/moby/patternmatcher"
	"github.com/moby/patternmatcher/ignorefile"
)

// srcRoot is where COPY and ADD take files from: the build context (less
// what .dockerignore excludes) or another image's root filesystem.
type srcRoot struct {
	dir    string
	ignore *patternmatcher.PatternMatcher // nil: nothing excluded
	what   string                         // "build context" or "stage x", for errors
}

// openContext is the context directory with its .dockerignore.
func openContext(dir string) (*srcRoot, error) {
	if dir == "" {
		return nil, errors.New("no build context: give a directory (e.g. \".\")")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if fi, err := os.Stat(abs); err != nil || !fi.IsDir() {
		return nil, fmt.Errorf("unable to prepare context: path %q not found or not a directory", dir)
	}
	r := &srcRoot{dir: abs, what: "build context"}
	f, err := os.Open(filepath.Join(abs, ".dockerignore"))
	if errors.Is(err, fs.ErrNotExist) {
		return r, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	patterns, err := ignorefile.ReadAll(f)
	if err != nil {
		return nil, fmt.Errorf(".dockerignore: %w", err)
	}
	if r.ignore, err = patternmatcher.New(patterns); err != nil {
		return nil, fmt.Errorf(".dockerignore: %w", err)
	}
	return r, nil
}

// excluded says whether rel (slash-separated, relative to the root) is
// left out; walk says, for an excluded directory, whether an exception
// (!pattern) may let something inside it back in.
func (r *srcRoot) excluded(rel string, isDir bool) (excluded, walk bool, err error) {
	if r.ignore == nil || rel == "" || rel == "." {
		return false, false, nil
	}
	skip, err := r.ignore.MatchesOrParentMatches(rel)
	if err != nil || !skip {
		return false, false, err
	}
	if !isDir || !r.ignore.Exclusions() {
		return true, false, nil
	}
	prefix := rel + "/"
	for _, p := range r.ignore.Patterns() {
		if p.Exclusion() && strings.HasPrefix(p.String()+"/", prefix) {
			return true, true, nil
		}
	}
	return true, false, nil
}

// cleanSource makes a COPY source relative to its root ("" is the root
// itself); it may not leave the root.
func cleanSource(src string) (string, error) {
	c := path.Clean(filepath.ToSlash(src))
	if c == ".." || strings.HasPrefix(c, "../") {
		return "", fmt.Errorf("forbidden path outside the build context: %s", src)
	}
	c = strings.TrimPrefix(path.Clean("/"+c), "/")
	return c, nil
}

func hasMeta(p string) bool { return strings.ContainsAny(p, `*?[\`) }

// srcEntry is one source a COPY names, after globbing.
type srcEntry struct {
	rel    string // relative to the root; "" is the root
	dir    bool
	remote bool // an ADD URL's download: rel is in the plan's download directory
}

// resolve finds the sources a COPY pattern names. A named source that is
// a symlink is followed (inside the root); a pattern matches names with
// Go's path.Match, component by component.
func (r *srcRoot) resolve(root *os.Root, pattern string) ([]srcEntry, error) {
	rel, err := cleanSource(pattern)
	if err != nil {
		return nil, err
	}
	if !hasMeta(rel) {
		name := orDot(rel)
		fi, err := root.Stat(name)
		ex := false
		if err == nil {
			ex, _, err = r.excluded(rel, fi.IsDir())
		}
		if err != nil || ex {
			return nil, fmt.Errorf("file not found in %s or excluded by .dockerignore: stat %s: file does not exist", r.what, pattern)
		}
		return []srcEntry{{rel: rel, dir: fi.IsDir()}}, nil
	}
	matches, err := fs.Glob(root.FS(), rel)
	if err != nil {
		return nil, fmt.Errorf("source %s: %w", pattern, err)
	}
	var out []srcEntry
	for _, m := range matches {
		fi, err := root.Stat(m)
		if err != nil {
			continue // a dangling symlink matched
		}
		if ex, _, err := r.excluded(m, fi.IsDir()); err != nil || ex {
			continue
		}
		out = append(out, srcEntry{rel: m, dir: fi.IsDir()})
	}
	return out, nil
}

// walk calls fn for every path under the directory entry rel (not rel
// itself), parents before children, skipping what .dockerignore excludes.
func (r *srcRoot) walk(root *os.Root, rel string, fn func(sub string, d fs.DirEntry) error) error {
	return fs.WalkDir(root.FS(), orDot(rel), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p == orDot(rel) {
			return nil
		}
		ex, walk, err := r.excluded(p, d.IsDir())
		if err != nil {
			return err
		}
		if ex {
			if walk {
				return nil
			}
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		sub := p
		if rel != "" {
			sub = strings.TrimPrefix(p, rel+"/")
		}
		return fn(sub, d)
	})
}

func orDot(rel string) string {
	if rel == "" {
		return "."
	}
	return rel
}

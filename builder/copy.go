package builder

import (
	"crypto/sha256"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strconv"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
)

// copyArgs is a COPY or ADD as written (after expansion).
type copyArgs struct {
	name               string // COPY or ADD
	sd                 instructions.SourcesAndDest
	from, chown, chmod string
	add                bool
}

// copyPlan is what one COPY or ADD takes and where it puts it.
type copyPlan struct {
	src     *srcRoot
	root    *os.Root // src.dir, open until the step is done
	entries []srcEntry
	dest    string // absolute path in the image
	destDir bool   // dest is a directory (ends in /, or several sources)
	chown   string
	mode    *fs.FileMode // --chmod
	add     bool
	// ADD's URLs, downloaded into their own directory: entries with
	// remote set are files there, never extracted
	dl     *os.Root
	dlWork *workDir
}

func (p *copyPlan) close() {
	if p.root != nil {
		p.root.Close()
	}
	if p.dl != nil {
		p.dl.Close()
	}
	if p.dlWork != nil {
		p.dlWork.remove()
	}
}

// copyChange plans a COPY or ADD: its sources are hashed for the cache
// key; the copy itself happens in the step's root filesystem.
func (b *builder) copyChange(st *stage, a copyArgs) (change, error) {
	if len(a.sd.SourcePaths) == 0 {
		return change{}, fmt.Errorf("%s requires at least two arguments", a.name)
	}
	var urls []string
	for _, s := range a.sd.SourcePaths {
		if isURL(s) {
			if !a.add {
				return change{}, fmt.Errorf("source can't be a URL for %s", a.name)
			}
			if !isHTTPURL(s) {
				return change{}, fmt.Errorf("%s: only http:// and https:// URLs are supported (a git repository is BuildKit-only)", s)
			}
			urls = append(urls, s)
		}
	}
	mode, err := parseChmod(a.chmod)
	if err != nil {
		return change{}, err
	}
	src, release, err := b.copySource(a.from)
	if err != nil {
		return change{}, err
	}
	p := &copyPlan{src: src, dest: destPath(a.sd.DestPath, st.cfg.WorkingDir), chown: a.chown, mode: mode, add: a.add}
	p.destDir = strings.HasSuffix(a.sd.DestPath, "/") || a.sd.DestPath == "." || a.sd.DestPath == ".."
	fail := func(err error) (change, error) {
		p.close()
		release()
		return change{}, err
	}
	if p.root, err = os.OpenRoot(src.dir); err != nil {
		return fail(err)
	}
	if len(urls) > 0 {
		if err := b.fetchRemote(p, urls); err != nil {
			return fail(err)
		}
	}
	for _, s := range a.sd.SourcePaths {
		if isURL(s) {
			continue
		}
		found, err := src.resolve(p.root, s)
		if err != nil {
			return fail(err)
		}
		p.entries = append(p.entries, found...)
	}
	many := len(p.entries) > 1
	if len(p.entries) == 0 {
		return fail(fmt.Errorf("no source files were specified"))
	}
	if many && !p.destDir {
		return fail(fmt.Errorf("when using %s with more than one source file, the destination must be a directory and end with a /", a.name))
	}
	kind, sum, err := p.hash()
	if err != nil {
		return fail(err)
	}
	return change{
		createdBy: nopCopy(&st.cfg, fmt.Sprintf("%s %s%s:%s in %s ", a.name, copyFlags(a), kind, sum, p.dest)),
		layer:     p.apply,
		release:   func() { p.close(); release() },
	}, nil
}

func isURL(s string) bool {
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "git@")
}

func copyFlags(a copyArgs) string {
	var f []string
	if a.from != "" {
		f = append(f, "--from="+a.from)
	}
	if a.chown != "" {
		f = append(f, "--chown="+a.chown)
	}
	if a.chmod != "" {
		f = append(f, "--chmod="+a.chmod)
	}
	if len(f) == 0 {
		return ""
	}
	return strings.Join(f, " ") + " "
}

// destPath is a COPY destination made absolute against the WORKDIR.
func destPath(dest, workdir string) string {
	if !path.IsAbs(dest) {
		dest = path.Join("/", workdir, dest)
	}
	return path.Clean(dest)
}

// parseChmod reads --chmod: octal modes only, as Docker's classic builder.
func parseChmod(s string) (*fs.FileMode, error) {
	if s == "" {
		return nil, nil
	}
	n, err := strconv.ParseUint(s, 8, 32)
	if err != nil || n > 0o7777 {
		return nil, fmt.Errorf("invalid --chmod=%s: want an octal mode such as 755", s)
	}
	m := fs.FileMode(n & 0o777)
	if n&0o4000 != 0 {
		m |= fs.ModeSetuid
	}
	if n&0o2000 != 0 {
		m |= fs.ModeSetgid
	}
	if n&0o1000 != 0 {
		m |= fs.ModeSticky
	}
	return &m, nil
}

// hash sums what the sources hold (names, types, modes, content, link
// targets; not times or owners), as Docker's "file:", "dir:" or "multi:".
func (p *copyPlan) hash() (kind, sum string, err error) {
	h := sha256.New()
	for _, e := range p.entries {
		fmt.Fprintf(h, "entry %q\n", e.rel)
		if e.remote {
			if err := hashFile(h, p.dl, e.rel, true); err != nil {
				return "", "", err
			}
			continue
		}
		if !e.dir {
			if err := hashFile(h, p.root, orDot(e.rel), true); err != nil {
				return "", "", err
			}
			continue
		}
		err := p.src.walk(p.root, e.rel, func(sub string, d fs.DirEntry) error {
			fmt.Fprintf(h, "%q ", sub)
			return hashFile(h, p.root, path.Join(orDot(e.rel), sub), false)
		})
		if err != nil {
			return "", "", err
		}
	}
	kind = "multi"
	if len(p.entries) == 1 {
		kind = map[bool]string{true: "dir", false: "file"}[p.entries[0].dir]
	}
	return kind, fmt.Sprintf("%x", h.Sum(nil)), nil
}

func hashFile(h io.Writer, root *os.Root, name string, follow bool) error {
	stat := root.Lstat
	if follow {
		stat = root.Stat
	}
	fi, err := stat(name)
	if err != nil {
		return err
	}
	link := ""
	if fi.Mode()&fs.ModeSymlink != 0 {
		if link, err = root.Readlink(name); err != nil {
			return err
		}
	}
	fmt.Fprintf(h, "%v %d %q\n", fi.Mode(), fi.Size(), link)
	if !fi.Mode().IsRegular() {
		return nil
	}
	f, err := root.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(h, f)
	return err
}

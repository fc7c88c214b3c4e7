package image

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strings"
)

// archive is a tar file read by name: one pass lists where each file's
// data starts; files are then read in place (several at once) with
// ReadAt, without unpacking the tar anywhere.
type archive struct {
	f     *os.File
	files map[string]section
}

type section struct{ off, size int64 }

// posReader tracks the offset tar.Reader has read to, which after Next is
// where the entry's data starts (the reader reads no further ahead); it
// seeks over file data it skips.
type posReader struct {
	f   *os.File
	pos int64
}

func (p *posReader) Read(b []byte) (int, error) {
	n, err := p.f.Read(b)
	p.pos += int64(n)
	return n, err
}

func (p *posReader) Seek(off int64, whence int) (int64, error) {
	n, err := p.f.Seek(off, whence)
	if err == nil {
		p.pos = n
	}
	return n, err
}

func openArchive(f *os.File) (*archive, error) {
	a := &archive{f: f, files: map[string]section{}}
	links := map[string]string{}
	pr := &posReader{f: f}
	tr := tar.NewReader(pr)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("reading the archive: %w", err)
		}
		name := cleanArchiveName(hdr.Name)
		switch hdr.Typeflag {
		case tar.TypeReg, tar.TypeRegA:
			a.files[name] = section{pr.pos, hdr.Size}
		case tar.TypeSymlink: // old docker save links repeated layers
			links[name] = cleanArchiveName(path.Join(path.Dir(name), hdr.Linkname))
		case tar.TypeLink:
			links[name] = cleanArchiveName(hdr.Linkname)
		}
	}
	if len(a.files) == 0 {
		return nil, errors.New("the archive holds no files: not a docker-save or OCI layout tar")
	}
	for from, to := range links {
		for range 8 { // a chain of links, not a loop
			if sec, ok := a.files[to]; ok {
				a.files[from] = sec
				break
			}
			if to = links[to]; to == "" {
				break
			}
		}
	}
	return a, nil
}

func cleanArchiveName(n string) string {
	return strings.TrimPrefix(path.Clean("/"+n), "/")
}

func (a *archive) has(name string) bool {
	_, ok := a.files[name]
	return ok
}

func (a *archive) open(name string) (io.ReadCloser, error) {
	sec, ok := a.files[cleanArchiveName(name)]
	if !ok {
		return nil, fmt.Errorf("the archive has no %s", name)
	}
	return io.NopCloser(io.NewSectionReader(a.f, sec.off, sec.size)), nil
}

// read reads a small file (JSON) whole; limit guards memory.
func (a *archive) read(name string) ([]byte, error) {
	sec, ok := a.files[cleanArchiveName(name)]
	if !ok {
		return nil, fmt.Errorf("the archive has no %s", name)
	}
	if sec.size > 64<<20 {
		return nil, fmt.Errorf("%s in the archive is too large (%d bytes)", name, sec.size)
	}
	b := make([]byte, sec.size)
	_, err := a.f.ReadAt(b, sec.off)
	return b, err
}

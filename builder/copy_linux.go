package builder

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/bzip2"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"strings"
	"time"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"

	"myrunc/engine"
	"myrunc/image/unpack"
	"myrunc/internal/copyclose"
	"myrunc/internal/inscope"
)

// copier writes into a step's root filesystem, never outside it (every
// path resolves inside the root, symlinks included).
type copier struct {
	dst      *os.Root
	uid, gid int
	mode     *fs.FileMode
	dirTimes []dirTime
}

type dirTime struct {
	name string
	t    time.Time
}

// apply copies the plan's sources into rootfs.
func (p *copyPlan) apply(rootfs string) error {
	dst, err := os.OpenRoot(rootfs)
	if err != nil {
		return err
	}
	defer dst.Close()
	c := &copier{dst: dst, mode: p.mode}
	if p.chown != "" {
		who := p.chown
		if !strings.Contains(who, ":") {
			who += ":" + who // Docker: the group of the same name (or ID)
		}
		u, err := engine.ResolveUser(rootfs, who)
		if err != nil {
			return fmt.Errorf("--chown=%s: %w", p.chown, err)
		}
		c.uid, c.gid = int(u.UID), int(u.GID)
	}
	resolved, err := inscope.Resolve(rootfs, p.dest)
	if err != nil {
		return err
	}
	dest := rel(resolved)
	for _, e := range p.entries {
		if err := p.applyEntry(c, e, dest); err != nil {
			return err
		}
	}
	// a directory's times are set last: writing into it changed them
	for i := len(c.dirTimes) - 1; i >= 0; i-- {
		dt := c.dirTimes[i]
		c.dst.Chtimes(dt.name, dt.t, dt.t)
	}
	return nil
}

func (p *copyPlan) applyEntry(c *copier, e srcEntry, dest string) error {
	if e.dir {
		if err := c.mkdirAll(dest); err != nil {
			return err
		}
		return p.src.walk(p.root, e.rel, func(sub string, d fs.DirEntry) error {
			target := path.Join(dest, sub)
			// a file an exception (!pattern) let back in from an excluded
			// directory has no parent yet
			if !d.IsDir() && p.src.ignore != nil {
				if err := c.mkdirAll(path.Dir(target)); err != nil {
					return err
				}
			}
			return c.copyOne(p.root, path.Join(orDot(e.rel), sub), target, false)
		})
	}
	name, from := orDot(e.rel), p.root
	if e.remote {
		from = p.dl // a download is never extracted
	} else if p.add {
		if r, ok, err := openArchive(p.root, name); err != nil {
			return err
		} else if ok {
			defer r.Close()
			return c.extract(dest, r)
		}
	}
	target := dest
	if p.destDir || c.isDir(dest) {
		target = path.Join(dest, path.Base(e.rel))
	}
	if err := c.mkdirAll(path.Dir(target)); err != nil {
		return err
	}
	return c.copyOne(from, name, target, true)
}

// rel is an absolute image path as a name inside the root ("." for /).
func rel(p string) string {
	r := strings.TrimPrefix(path.Clean("/"+p), "/")
	return orDot(r)
}

func (c *copier) isDir(name string) bool {
	fi, err := c.dst.Stat(name)
	return err == nil && fi.IsDir()
}

// mkdirAll makes dir and its missing parents, owned as --chown says;
// existing directories (or symlinks to them) stay as they are.
func (c *copier) mkdirAll(dir string) error {
	cur := ""
	for _, part := range strings.Split(rel(dir), "/") {
		if part == "." {
			continue
		}
		cur = path.Join(cur, part)
		fi, err := c.dst.Stat(cur)
		if err == nil {
			if !fi.IsDir() {
				return fmt.Errorf("cannot copy to %s: /%s is not a directory", dir, cur)
			}
			continue
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		if err := c.dst.Mkdir(cur, 0o755); err != nil {
			return err
		}
		if err := c.dst.Lchown(cur, c.uid, c.gid); err != nil {
			return err
		}
	}
	return nil
}

// copyOne copies one file, directory (not its content) or symlink from
// src's name to target, with the owner of --chown (else root), the mode
// of --chmod (else the source's) and the source's times.
func (c *copier) copyOne(src *os.Root, name, target string, follow bool) error {
	stat := src.Lstat
	if follow {
		stat = src.Stat
	}
	fi, err := stat(name)
	if err != nil {
		return err
	}
	mode := fi.Mode() & (fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky)
	if c.mode != nil {
		mode = *c.mode
	}
	switch {
	case fi.IsDir():
		if !c.isDir(target) {
			if err := c.replace(target); err != nil {
				return err
			}
			if err := c.dst.Mkdir(target, 0o700); err != nil {
				return err
			}
		}
		c.dirTimes = append(c.dirTimes, dirTime{target, fi.ModTime()})
	case fi.Mode().IsRegular():
		if err := c.copyFile(src, name, target); err != nil {
			return err
		}
	case fi.Mode()&fs.ModeSymlink != 0:
		link, err := src.Readlink(name)
		if err != nil {
			return err
		}
		if err := c.replace(target); err != nil {
			return err
		}
		if err := c.dst.Symlink(link, target); err != nil {
			return err
		}
		return c.dst.Lchown(target, c.uid, c.gid)
	default:
		return nil // sockets, devices, pipes: not copied
	}
	if err := c.dst.Lchown(target, c.uid, c.gid); err != nil {
		return err
	}
	if err := c.dst.Chmod(target, mode); err != nil {
		return err
	}
	return c.dst.Chtimes(target, fi.ModTime(), fi.ModTime())
}

// replace removes what is at target unless it is a regular file or a
// directory; a directory is not replaced by something else.
func (c *copier) replace(target string) error {
	fi, err := c.dst.Lstat(target)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if fi.IsDir() {
		return fmt.Errorf("cannot overwrite directory /%s with a non-directory", target)
	}
	return c.dst.Remove(target)
}

func (c *copier) copyFile(src *os.Root, name, target string) error {
	in, err := src.Open(name)
	if err != nil {
		return err
	}
	defer in.Close()
	if fi, err := c.dst.Lstat(target); err == nil && !fi.Mode().IsRegular() {
		if err := c.replace(target); err != nil {
			return err
		}
	}
	out, err := c.dst.OpenFile(target, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	return copyclose.Copy(out, in)
}

// extract unpacks an ADD's archive into dest, keeping the archive's
// owners and modes (as Docker does; --chown does not apply).
func (c *copier) extract(dest string, r io.Reader) error {
	if err := c.mkdirAll(dest); err != nil {
		return err
	}
	dir, err := c.dst.Open(dest)
	if err != nil {
		return err
	}
	defer dir.Close()
	// the directory as opened inside the root: the unpacker resolves
	// every name below it, never outside
	if _, err := unpack.Apply(fmt.Sprintf("/proc/self/fd/%d", dir.Fd()), r); err != nil {
		return fmt.Errorf("extracting into %s: %w", dest, err)
	}
	return nil
}

// openArchive opens name as a tar stream when it is a tar archive (plain,
// gzip, bzip2, xz or zstd); ok is false for any other file.
func openArchive(root *os.Root, name string) (io.ReadCloser, bool, error) {
	f, err := root.Open(name)
	if err != nil {
		return nil, false, err
	}
	br := bufio.NewReaderSize(f, 64<<10)
	head, _ := br.Peek(6)
	r, closeFn, err := decompressed(head, br)
	if err != nil {
		f.Close()
		return nil, false, nil // not an archive after all: copied as it is
	}
	tb := bufio.NewReaderSize(r, 64<<10)
	block, _ := tb.Peek(512)
	if _, err := tar.NewReader(bytes.NewReader(block)).Next(); err != nil {
		closeFn()
		f.Close()
		return nil, false, nil
	}
	return readCloser{tb, func() error { closeFn(); return f.Close() }}, true, nil
}

type readCloser struct {
	io.Reader
	close func() error
}

func (r readCloser) Close() error { return r.close() }

func decompressed(head []byte, r io.Reader) (io.Reader, func(), error) {
	switch {
	case bytes.HasPrefix(head, []byte{0x1f, 0x8b}):
		zr, err := gzip.NewReader(r)
		if err != nil {
			return nil, nil, err
		}
		return zr, func() { zr.Close() }, nil
	case bytes.HasPrefix(head, []byte("BZh")):
		return bzip2.NewReader(r), func() {}, nil
	case bytes.HasPrefix(head, []byte{0x28, 0xb5, 0x2f, 0xfd}):
		zr, err := zstd.NewReader(r, zstd.WithDecoderConcurrency(1))
		if err != nil {
			return nil, nil, err
		}
		return zr, zr.Close, nil
	case bytes.HasPrefix(head, []byte{0xfd, '7', 'z', 'X', 'Z', 0x00}):
		return xzReader(r)
	}
	return r, func() {}, nil
}

// xzReader decompresses through xz(1), as Docker does.
func xzReader(r io.Reader) (io.Reader, func(), error) {
	cmd := exec.Command("xz", "-d", "-c", "-q")
	cmd.Stdin = r
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, nil, fmt.Errorf("an xz archive needs xz(1): %w", err)
	}
	return out, func() { out.Close(); cmd.Wait() }, nil
}

// mkdirInRoot makes dir (an absolute image path, its links followed in
// the image) inside rootfs, owned by uid:gid where it is made.
func mkdirInRoot(rootfs, dir string, uid, gid int) error {
	dir, err := inscope.Resolve(rootfs, dir)
	if err != nil {
		return err
	}
	dst, err := os.OpenRoot(rootfs)
	if err != nil {
		return err
	}
	defer dst.Close()
	return (&copier{dst: dst, uid: uid, gid: gid}).mkdirAll(dir)
}

// Package unpack writes one image layer (an uncompressed tar) into an empty
// directory in overlayfs's format, so the directory can be a lower layer
// of an overlay mount as it is: whiteouts (.wh.NAME) become 0:0 character
// devices, opaque markers (.wh..wh..opq) the trusted.overlay.opaque xattr.
//
// The tar is untrusted. Every name is cleaned lexically as if rooted (so
// "../x" and "/x" both land at <dir>/x), and every directory an entry is
// written into is opened with openat2(RESOLVE_IN_ROOT): a symlink the tar
// planted earlier resolves inside <dir>, never outside it. Hard links may
// only point at files of the same layer. The directory being written is
// private to the caller, so no other process races these checks.
package unpack

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

const (
	whiteoutPrefix = ".wh."
	whiteoutMeta   = ".wh..wh."
	opaqueMarker   = ".wh..wh..opq"
	// OpaqueXattr marks a directory whose lower layers are hidden.
	OpaqueXattr = "trusted.overlay.opaque"
	xattrPAX    = "SCHILY.xattr."
)

// Stats says what a layer held.
type Stats struct {
	Size    int64 // bytes of regular file data
	Entries int
}

// Apply unpacks the tar stream r into dir, which should be empty. On an
// error dir holds part of the layer: the caller removes it.
func Apply(dir string, r io.Reader) (Stats, error) {
	fd, err := unix.Open(dir, unix.O_DIRECTORY|unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return Stats{}, &os.PathError{Op: "open", Path: dir, Err: err}
	}
	u := &unpacker{root: fd, buf: make([]byte, 256<<10), parents: map[string]int{}, dirs: map[int]dirInfo{},
		asRoot: unix.Geteuid() == 0 && unix.Getegid() == 0, umask: processUmask()}
	defer u.close()
	tr := tar.NewReader(r)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return u.stats, fmt.Errorf("reading the layer tar: %w", err)
		}
		if err := u.entry(hdr, tr); err != nil {
			return u.stats, fmt.Errorf("tar entry %q: %w", hdr.Name, err)
		}
		u.stats.Entries++
	}
	// drain the padding a tar writer may add after the end marker, so a
	// digest computed over the whole stream sees every byte
	if _, err := io.CopyBuffer(io.Discard, r, u.buf); err != nil {
		return u.stats, fmt.Errorf("reading the layer: %w", err)
	}
	// a directory's times are set last: writing into it changed them
	for i := len(u.dirTimes) - 1; i >= 0; i-- {
		if err := u.setTimes(u.dirTimes[i].name, u.dirTimes[i].hdr); err != nil {
			return u.stats, err
		}
	}
	return u.stats, nil
}

type dirTime struct {
	name string
	hdr  *tar.Header
}

type unpacker struct {
	root     int
	buf      []byte
	stats    Stats
	dirTimes []dirTime
	// open directory fds by cleaned name: a layer writes many files into
	// one directory in a row; dropped whenever something is removed
	parents map[string]int
	// fds dropped from parents, still in use by the entry at hand
	retired []int
	// what each open directory fd passes on to new entries (fds stay
	// open, so unique, until the end)
	dirs   map[int]dirInfo
	asRoot bool // new entries are owned by 0:0
	umask  uint32
}

func (u *unpacker) close() {
	u.dropParents()
	for _, fd := range u.retired {
		unix.Close(fd)
	}
	unix.Close(u.root)
}

// dropParents forgets the cached directories: a removal may have changed
// what a cached name resolves to.
func (u *unpacker) dropParents() {
	for _, fd := range u.parents {
		u.retired = append(u.retired, fd)
	}
	clear(u.parents)
}

// cleanName is name made relative to the layer's root, with "..", "."
// and leading slashes resolved lexically; "" is the root itself.
func cleanName(name string) string {
	return strings.TrimPrefix(path.Clean("/"+name), "/")
}

func (u *unpacker) entry(hdr *tar.Header, r io.Reader) error {
	name := cleanName(hdr.Name)
	if name == "" {
		if hdr.Typeflag != tar.TypeDir {
			return errors.New("the layer's root must be a directory")
		}
		return u.meta(u.root, "", "", hdr, existing)
	}
	dir, base := path.Split(name)
	dir = strings.TrimSuffix(dir, "/")
	if strings.HasPrefix(base, whiteoutPrefix) {
		return u.whiteout(dir, base)
	}
	parent, err := u.parent(dir)
	if err != nil {
		return err
	}
	perm := uint32(hdr.Mode) & 0o777
	m := freshWith(perm)
	switch hdr.Typeflag {
	case tar.TypeDir:
		m, err = u.mkdir(parent, dir, base, perm)
	case tar.TypeReg, tar.TypeRegA, tar.TypeGNUSparse:
		return u.file(parent, name, base, hdr, r)
	case tar.TypeSymlink:
		err = u.replace(parent, dir, base, func() error { return unix.Symlinkat(hdr.Linkname, parent, base) })
	case tar.TypeLink:
		err = u.hardlink(parent, dir, base, hdr.Linkname)
		if err == nil {
			return nil // a hard link shares its target's metadata
		}
	case tar.TypeChar, tar.TypeBlock, tar.TypeFifo:
		mode := map[byte]uint32{tar.TypeChar: unix.S_IFCHR, tar.TypeBlock: unix.S_IFBLK, tar.TypeFifo: unix.S_IFIFO}[hdr.Typeflag]
		dev := int(unix.Mkdev(uint32(hdr.Devmajor), uint32(hdr.Devminor)))
		err = u.replace(parent, dir, base, func() error { return unix.Mknodat(parent, base, mode|perm, dev) })
	default:
		return nil // global headers and types no filesystem holds
	}
	if err != nil {
		return err
	}
	return u.meta(parent, name, base, hdr, m)
}

// parent opens the directory dir (a cleaned name) inside the root,
// making any missing components (mode 0755, as tar does).
func (u *unpacker) parent(dir string) (int, error) {
	if dir == "" {
		return u.root, nil
	}
	if fd, ok := u.parents[dir]; ok {
		return fd, nil
	}
	fd, err := u.openIn(dir)
	if errors.Is(err, unix.ENOENT) {
		fd, err = u.mkdirAll(dir)
	}
	if err != nil {
		return -1, fmt.Errorf("opening directory %s: %w", dir, err)
	}
	u.parents[dir] = fd
	return fd, nil
}

// openIn opens a directory by a name resolved inside the root: symlinks
// and ".." on the way stay within it.
func (u *unpacker) openIn(name string) (int, error) {
	for {
		fd, err := unix.Openat2(u.root, name, &unix.OpenHow{
			Flags:   unix.O_DIRECTORY | unix.O_RDONLY | unix.O_CLOEXEC,
			Resolve: unix.RESOLVE_IN_ROOT | unix.RESOLVE_NO_MAGICLINKS | unix.RESOLVE_NO_XDEV,
		})
		if err != unix.EINTR && err != unix.EAGAIN {
			return fd, err
		}
	}
}

func (u *unpacker) mkdirAll(dir string) (int, error) {
	parts := strings.Split(dir, "/")
	at := u.root
	for i := range parts {
		prefix := strings.Join(parts[:i+1], "/")
		fd, err := u.openIn(prefix)
		if errors.Is(err, unix.ENOENT) {
			if err = unix.Mkdirat(at, parts[i], 0o755); err == nil || err == unix.EEXIST {
				fd, err = u.openIn(prefix)
			}
		}
		if at != u.root {
			unix.Close(at)
		}
		if err != nil {
			return -1, err
		}
		at = fd
	}
	return at, nil
}

// mkdir makes base with perm, or keeps the directory there (tar merges a
// directory named again; its metadata is updated).
func (u *unpacker) mkdir(parent int, dir, base string, perm uint32) (made, error) {
	err := unix.Mkdirat(parent, base, perm)
	if err != unix.EEXIST {
		return freshWith(perm), err
	}
	var st unix.Stat_t
	if err := unix.Fstatat(parent, base, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return existing, err
	}
	if st.Mode&unix.S_IFMT == unix.S_IFDIR {
		return existing, nil
	}
	return freshWith(perm), u.replace(parent, dir, base, func() error { return unix.Mkdirat(parent, base, perm) })
}

// replace runs create; if the name exists, it removes what is there first
// (a later entry of a tar replaces an earlier one).
func (u *unpacker) replace(parent int, dir, base string, create func() error) error {
	err := create()
	if err != unix.EEXIST {
		return err
	}
	if err := u.remove(parent, dir, base); err != nil {
		return err
	}
	return create()
}

// remove deletes base in parent, a directory with all it holds.
func (u *unpacker) remove(parent int, dir, base string) error {
	err := unix.Unlinkat(parent, base, 0)
	if err == nil {
		u.dropParents()
	}
	if err == unix.EISDIR || err == unix.EPERM {
		u.dropParents()
		// a path through our own fd: RemoveAll opens each level relative
		// to the last and never follows a symlink inside
		err = os.RemoveAll("/proc/self/fd/" + strconv.Itoa(parent) + "/" + base)
	}
	if err == unix.ENOENT {
		return nil
	}
	return err
}

func (u *unpacker) whiteout(dir, base string) error {
	parent, err := u.parent(dir)
	if err != nil {
		return err
	}
	if base == opaqueMarker {
		return unix.Fsetxattr(parent, OpaqueXattr, []byte("y"), 0)
	}
	if strings.HasPrefix(base, whiteoutMeta) {
		return nil // aufs bookkeeping (.wh..wh.plnk, ...): nothing to do
	}
	target := strings.TrimPrefix(base, whiteoutPrefix)
	if target == "" {
		return errors.New("whiteout names no file")
	}
	if err := u.remove(parent, dir, target); err != nil {
		return err
	}
	return unix.Mknodat(parent, target, unix.S_IFCHR, 0)
}

func (u *unpacker) hardlink(parent int, dir, base, linkname string) error {
	target := cleanName(linkname)
	if target == "" {
		return fmt.Errorf("hard link to the layer's root")
	}
	tdir, tbase := path.Split(target)
	var tparent int
	var err error
	if tdir == "" {
		tparent, err = unix.Dup(u.root)
	} else {
		tparent, err = u.openIn(strings.TrimSuffix(tdir, "/"))
	}
	if err != nil {
		return fmt.Errorf("hard link target %s: %w", linkname, err)
	}
	defer unix.Close(tparent)
	var st unix.Stat_t
	if err := unix.Fstatat(tparent, tbase, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return fmt.Errorf("hard link target %s: not in this layer: %w", linkname, err)
	}
	if st.Mode&unix.S_IFMT == unix.S_IFDIR {
		return fmt.Errorf("hard link target %s is a directory", linkname)
	}
	return u.replace(parent, dir, base, func() error { return unix.Linkat(tparent, tbase, parent, base, 0) })
}

func (u *unpacker) file(parent int, name, base string, hdr *tar.Header, r io.Reader) error {
	perm := uint32(hdr.Mode) & 0o777
	open := func() (int, error) {
		return unix.Openat(parent, base, unix.O_CREAT|unix.O_EXCL|unix.O_WRONLY|unix.O_NOFOLLOW|unix.O_CLOEXEC, perm)
	}
	fd, err := open()
	if err == unix.EEXIST {
		dir, _ := path.Split(name)
		if err = u.remove(parent, strings.TrimSuffix(dir, "/"), base); err == nil {
			fd, err = open()
		}
	}
	if err != nil {
		return err
	}
	switch {
	case isSparse(hdr):
		f := os.NewFile(uintptr(fd), name)
		err = copySparse(f, r, hdr.Size, u.buf)
		f.Close()
	case hdr.Size > 0:
		_, err = io.CopyBuffer(fdWriter(fd), r, u.buf)
		unix.Close(fd)
	default:
		unix.Close(fd)
	}
	if err != nil {
		return err
	}
	u.stats.Size += hdr.Size
	return u.meta(parent, name, base, hdr, freshWith(perm))
}

// fdWriter writes to a file descriptor with no os.File around it: that
// costs an fcntl per file to learn whether it is non-blocking, and its
// ReadFrom tries copy_file_range, which a decompressor cannot feed.
type fdWriter int

func (w fdWriter) Write(p []byte) (int, error) {
	var n int
	for n < len(p) {
		k, err := unix.Write(int(w), p[n:])
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return n, &os.PathError{Op: "write", Path: "layer file", Err: err}
		}
		n += k
	}
	return n, nil
}

// meta sets owner, mode (after chown, which clears setuid bits), xattrs
// and times of base in parent; owner and mode only where m says they
// differ from the header's.
func (u *unpacker) meta(parent int, name, base string, hdr *tar.Header, m made) error {
	flags := unix.AT_SYMLINK_NOFOLLOW
	if base == "" {
		flags |= unix.AT_EMPTY_PATH
	}
	if u.needChown(parent, m, hdr.Uid, hdr.Gid) {
		if err := unix.Fchownat(parent, base, hdr.Uid, hdr.Gid, flags); err != nil {
			return fmt.Errorf("chown: %w", err)
		}
	}
	isDir := hdr.Typeflag == tar.TypeDir
	if mode := uint32(hdr.Mode) & 0o7777; hdr.Typeflag != tar.TypeSymlink && u.needChmod(parent, m, mode, isDir) {
		if err := unix.Fchmodat(parent, orDot(base), mode, 0); err != nil {
			return fmt.Errorf("chmod: %w", err)
		}
	}
	if isDir { // its mode or group may have changed: look again when asked
		if base == "" {
			delete(u.dirs, u.root)
		} else if fd, ok := u.parents[name]; ok {
			delete(u.dirs, fd)
		}
	}
	for k, v := range hdr.PAXRecords {
		attr, ok := strings.CutPrefix(k, xattrPAX)
		if !ok || strings.HasPrefix(attr, "trusted.overlay.") {
			continue // overlayfs's own attributes are never an image's to set
		}
		p := "/proc/self/fd/" + strconv.Itoa(parent) + "/" + base
		if err := unix.Lsetxattr(p, attr, []byte(v), 0); err != nil {
			return fmt.Errorf("setting xattr %s: %w", attr, err)
		}
	}
	if hdr.Typeflag == tar.TypeDir {
		u.dirTimes = append(u.dirTimes, dirTime{name, hdr})
		return nil
	}
	return setTimesAt(parent, base, hdr)
}

func orDot(base string) string {
	if base == "" {
		return "."
	}
	return base
}

func (u *unpacker) setTimes(name string, hdr *tar.Header) error {
	if name == "" {
		return setTimesAt(u.root, "", hdr)
	}
	dir, base := path.Split(name)
	parent, err := u.parent(strings.TrimSuffix(dir, "/"))
	if err != nil {
		return err
	}
	return setTimesAt(parent, base, hdr)
}

func setTimesAt(parent int, base string, hdr *tar.Header) error {
	atime := hdr.AccessTime
	if atime.IsZero() {
		atime = hdr.ModTime
	}
	ts := []unix.Timespec{timespec(atime), timespec(hdr.ModTime)}
	if err := unix.UtimesNanoAt(parent, orDot(base), ts, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return fmt.Errorf("setting times: %w", err)
	}
	return nil
}

func timespec(t time.Time) unix.Timespec {
	if t.IsZero() || t.Unix() < 0 {
		return unix.Timespec{}
	}
	return unix.NsecToTimespec(t.UnixNano())
}

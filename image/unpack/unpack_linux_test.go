package unpack

import (
	"archive/tar"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

func needRoot(t testing.TB) {
	if os.Geteuid() != 0 {
		t.Skip("unpacking owners, devices and trusted xattrs needs root")
	}
}

// tarOf builds a tar from headers; a regular file's content is its Linkname
// field's value when Size is 0 and Linkname set (keeps tables short).
func tarOf(t testing.TB, hdrs ...*tar.Header) []byte {
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for _, h := range hdrs {
		var data []byte
		if h.Typeflag == tar.TypeReg {
			data = []byte(h.Linkname)
			h.Linkname = ""
			h.Size = int64(len(data))
		}
		if h.Mode == 0 {
			h.Mode = 0o644
		}
		h.ModTime = time.Unix(946684800, 0)
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		tw.Write(data)
	}
	tw.Close()
	return b.Bytes()
}

func dir(n string) *tar.Header     { return &tar.Header{Name: n, Typeflag: tar.TypeDir, Mode: 0o755} }
func file(n, c string) *tar.Header { return &tar.Header{Name: n, Typeflag: tar.TypeReg, Linkname: c} }
func symlink(n, target string) *tar.Header {
	return &tar.Header{Name: n, Typeflag: tar.TypeSymlink, Linkname: target, Mode: 0o777}
}
func hardlink(n, target string) *tar.Header {
	return &tar.Header{Name: n, Typeflag: tar.TypeLink, Linkname: target}
}

// applyIn unpacks into <tmp>/root and returns both directories.
func applyIn(t *testing.T, data []byte) (outer, root string, err error) {
	outer = t.TempDir()
	root = filepath.Join(outer, "root")
	if err := os.Mkdir(root, 0o755); err != nil {
		t.Fatal(err)
	}
	_, err = Apply(root, bytes.NewReader(data))
	return outer, root, err
}

func TestApplyKinds(t *testing.T) {
	needRoot(t)
	long := strings.Repeat("n", 200) + "/" + strings.Repeat("m", 250)
	data := tarOf(t,
		dir("etc/"), file("etc/passwd", "root:x:0:0::/:/bin/sh\n"),
		&tar.Header{Name: "bin/su", Typeflag: tar.TypeReg, Mode: 0o4755, Uid: 0, Gid: 0, Linkname: "x"},
		&tar.Header{Name: "home/u/f", Typeflag: tar.TypeReg, Mode: 0o600, Uid: 1000, Gid: 1001, Linkname: "y"},
		symlink("bin/sh", "busybox"), hardlink("etc/passwd-", "etc/passwd"),
		&tar.Header{Name: "dev/null", Typeflag: tar.TypeChar, Devmajor: 1, Devminor: 3, Mode: 0o666},
		&tar.Header{Name: "run/fifo", Typeflag: tar.TypeFifo, Mode: 0o644},
		&tar.Header{Name: "x/cap", Typeflag: tar.TypeReg, Linkname: "c",
			PAXRecords: map[string]string{"SCHILY.xattr.user.k": "v", "SCHILY.xattr.trusted.overlay.redirect": "/etc"}},
		file(long, "long"),
	)
	_, root, err := applyIn(t, data)
	if err != nil {
		t.Fatal(err)
	}
	st := lstat(t, filepath.Join(root, "bin/su"))
	if st.Mode&0o7777 != 0o4755 {
		t.Errorf("setuid lost: mode %o", st.Mode)
	}
	st = lstat(t, filepath.Join(root, "home/u/f"))
	if st.Uid != 1000 || st.Gid != 1001 || st.Mode&0o777 != 0o600 {
		t.Errorf("owner/mode: %d:%d %o", st.Uid, st.Gid, st.Mode)
	}
	if l, _ := os.Readlink(filepath.Join(root, "bin/sh")); l != "busybox" {
		t.Errorf("symlink: %q", l)
	}
	a, b := lstat(t, filepath.Join(root, "etc/passwd")), lstat(t, filepath.Join(root, "etc/passwd-"))
	if a.Ino != b.Ino || a.Nlink != 2 {
		t.Errorf("hard link: inodes %d %d nlink %d", a.Ino, b.Ino, a.Nlink)
	}
	st = lstat(t, filepath.Join(root, "dev/null"))
	if st.Mode&unix.S_IFMT != unix.S_IFCHR || st.Rdev != unix.Mkdev(1, 3) {
		t.Errorf("device: mode %o rdev %x", st.Mode, st.Rdev)
	}
	if st := lstat(t, filepath.Join(root, "run/fifo")); st.Mode&unix.S_IFMT != unix.S_IFIFO {
		t.Errorf("fifo: mode %o", st.Mode)
	}
	buf := make([]byte, 16)
	if n, err := unix.Lgetxattr(filepath.Join(root, "x/cap"), "user.k", buf); err != nil || string(buf[:n]) != "v" {
		t.Errorf("xattr: %q %v", buf[:n], err)
	}
	if _, err := unix.Lgetxattr(filepath.Join(root, "x/cap"), "trusted.overlay.redirect", buf); err == nil {
		t.Error("an overlay xattr from the tar was set")
	}
	if c, _ := os.ReadFile(filepath.Join(root, long)); string(c) != "long" {
		t.Errorf("long name: %q", c)
	}
	if fi, _ := os.Stat(filepath.Join(root, "etc")); fi.ModTime().Unix() != 946684800 {
		t.Errorf("directory mtime %v", fi.ModTime())
	}
}

func TestApplyWhiteouts(t *testing.T) {
	needRoot(t)
	_, root, err := applyIn(t, tarOf(t,
		dir("etc/"), file("etc/.wh.gone", ""), dir("opq/"), file("opq/.wh..wh..opq", ""), file("opq/c", "c"),
		file(".wh..wh.plnk", ""),
	))
	if err != nil {
		t.Fatal(err)
	}
	st := lstat(t, filepath.Join(root, "etc/gone"))
	if st.Mode&unix.S_IFMT != unix.S_IFCHR || st.Rdev != 0 {
		t.Errorf("whiteout: mode %o rdev %d", st.Mode, st.Rdev)
	}
	buf := make([]byte, 4)
	if n, err := unix.Lgetxattr(filepath.Join(root, "opq"), OpaqueXattr, buf); err != nil || string(buf[:n]) != "y" {
		t.Errorf("opaque: %q %v", buf[:n], err)
	}
	for _, n := range []string{"etc/.wh.gone", "opq/.wh..wh..opq", ".wh..wh.plnk"} {
		if _, err := os.Lstat(filepath.Join(root, n)); err == nil {
			t.Errorf("%s kept as a file", n)
		}
	}
}

// GNU tar's sparse format (Go writes none): holes stay holes.
func TestApplySparse(t *testing.T) {
	needRoot(t)
	gnutar, err := exec.LookPath("tar")
	if err != nil {
		t.Skip("no tar")
	}
	src := t.TempDir()
	size := int64(8 << 20)
	f, _ := os.Create(filepath.Join(src, "sparse"))
	f.WriteAt([]byte("end"), size-3)
	f.Close()
	out, err := exec.Command(gnutar, "-C", src, "--sparse", "-cf", "-", "sparse").Output()
	if err != nil {
		t.Fatal(err)
	}
	_, root, err := applyIn(t, out)
	if err != nil {
		t.Fatal(err)
	}
	st := lstat(t, filepath.Join(root, "sparse"))
	if st.Size != size || st.Blocks*512 >= size/2 {
		t.Errorf("sparse: size %d, %d bytes allocated", st.Size, st.Blocks*512)
	}
	if c, _ := os.ReadFile(filepath.Join(root, "sparse")); string(c[size-3:]) != "end" {
		t.Errorf("sparse: data lost")
	}
}

func TestApplyReplaces(t *testing.T) {
	needRoot(t)
	_, root, err := applyIn(t, tarOf(t,
		dir("a/"), file("a/x", "1"), file("a", "now a file"), symlink("b", "a"), dir("b/"), file("b/y", "2"),
		file("f", "old"), file("f", "new"),
		file("x", "file first"), dir("x/"), file("x/y", "in dir"),
		file("h", "linked"), hardlink("h2", "h"), file("h", "replaced"),
	))
	if err != nil {
		t.Fatal(err)
	}
	if c, _ := os.ReadFile(filepath.Join(root, "a")); string(c) != "now a file" {
		t.Errorf("a: %q", c)
	}
	if c, _ := os.ReadFile(filepath.Join(root, "b/y")); string(c) != "2" {
		t.Errorf("b/y: %q", c)
	}
	if c, _ := os.ReadFile(filepath.Join(root, "f")); string(c) != "new" {
		t.Errorf("f: %q", c)
	}
	if c, _ := os.ReadFile(filepath.Join(root, "x/y")); string(c) != "in dir" {
		t.Errorf("x/y: %q", c)
	}
	h, _ := os.ReadFile(filepath.Join(root, "h"))
	h2, _ := os.ReadFile(filepath.Join(root, "h2"))
	if string(h) != "replaced" || string(h2) != "linked" {
		t.Errorf("h %q h2 %q", h, h2)
	}
}

// Every escape a tar can try: the file lands inside the root or the
// layer is refused; nothing appears beside the root.
func TestApplyContainsEscapes(t *testing.T) {
	needRoot(t)
	up := strings.Repeat("../", 40)
	for name, hdrs := range map[string][]*tar.Header{
		"dotdot":          {file(up+"pwned", "x"), dir("evil/"), file("evil/"+up+"pwned", "x")},
		"absolute":        {file("/pwned", "x")},
		"symlink-abs":     {symlink("l", "/"), file("l/pwned", "x")},
		"symlink-rel":     {symlink("l", up), file("l/pwned", "x")},
		"symlink-dotdot":  {symlink("l", ".."), file("l/pwned", "x")},
		"symlink-chain":   {dir("d/"), symlink("d/l", "../../.."), symlink("m", "d/l"), file("m/pwned", "x")},
		"hardlink-dotdot": {file("src", "x"), hardlink(up+"pwned", "src")},
		"hardlink-abs":    {file("src", "x"), hardlink("/pwned", "src")},
		"hardlink-via":    {file("src", "x"), symlink("ld", ".."), hardlink("ld/pwned", "src")},
		"hardlink-out":    {hardlink("in", up+"etc/passwd")},
		"hardlink-outsym": {symlink("ld", "/etc"), hardlink("in", "ld/passwd")},
		"whiteout-out":    {symlink("l", ".."), file("l/.wh.root", "")},
		"opaque-out":      {symlink("l", ".."), file("l/.wh..wh..opq", "")},
	} {
		t.Run(name, func(t *testing.T) {
			outer, root, err := applyIn(t, tarOf(t, hdrs...))
			entries, _ := os.ReadDir(outer)
			if len(entries) != 1 {
				t.Fatalf("wrote beside the root: %v (err %v)", entries, err)
			}
			buf := make([]byte, 4)
			if _, xerr := unix.Getxattr(outer, OpaqueXattr, buf); xerr == nil {
				t.Fatal("marked the directory above the root opaque")
			}
			if err == nil && strings.HasPrefix(name, "hardlink-out") {
				t.Fatal("a hard link to a file outside the layer was made")
			}
			if _, serr := os.Stat("/pwned"); serr == nil {
				t.Fatal("/pwned exists")
			}
			_ = root
		})
	}
}

func TestApplyBadTar(t *testing.T) {
	needRoot(t)
	good := tarOf(t, file("a", strings.Repeat("x", 5000)))
	for name, data := range map[string][]byte{
		"truncated": good[:1000],
		"garbage":   bytes.Repeat([]byte{0xff}, 1024),
	} {
		if _, _, err := applyIn(t, data); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func lstat(t *testing.T, p string) unix.Stat_t {
	t.Helper()
	var st unix.Stat_t
	if err := unix.Lstat(p, &st); err != nil {
		t.Fatal(err)
	}
	return st
}

// FuzzApply: no tar may write beside the root or panic the unpacker.
func FuzzApply(f *testing.F) {
	needRoot(f)
	f.Add(tarOf(f, dir("a/"), file("a/b", "x"), symlink("l", ".."), file("l/x", "y")))
	f.Add(tarOf(f, file("src", "x"), hardlink("../x", "src"), file("d/.wh.x", ""), file("d/.wh..wh..opq", "")))
	f.Fuzz(func(t *testing.T, data []byte) {
		outer := t.TempDir()
		root := filepath.Join(outer, "root")
		os.Mkdir(root, 0o755)
		Apply(root, bytes.NewReader(data))
		if entries, _ := os.ReadDir(outer); len(entries) != 1 {
			t.Fatalf("wrote beside the root: %v", entries)
		}
	})
}

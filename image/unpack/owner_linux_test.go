package unpack

import (
	"archive/tar"
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"
)

// The chown and chmod an entry is spared must never change what lands on
// disk: owners under a set-group-ID directory of another group, a umask
// that takes bits, a directory named twice with another owner.
func TestApplySkipsNoOwnerOrModeItNeeds(t *testing.T) {
	needRoot(t)
	old := unix.Umask(0o077)
	defer unix.Umask(old)
	u := &tar.Header{Name: "sg/", Typeflag: tar.TypeDir, Mode: 0o2775, Gid: 42}
	data := tarOf(t,
		u, file("sg/f", "x"), dir("sg/sub/"), symlink("sg/l", "f"),
		&tar.Header{Name: "m/", Typeflag: tar.TypeDir, Mode: 0o755, Uid: 7, Gid: 8},
		&tar.Header{Name: "m/", Typeflag: tar.TypeDir, Mode: 0o750},
		&tar.Header{Name: "open", Typeflag: tar.TypeReg, Mode: 0o755, Linkname: "y"},
		&tar.Header{Name: "sticky/", Typeflag: tar.TypeDir, Mode: 0o1777},
	)
	outer := t.TempDir()
	root := filepath.Join(outer, "root")
	os.Mkdir(root, 0o755)
	if _, err := Apply(root, bytes.NewReader(data)); err != nil {
		t.Fatal(err)
	}
	want := map[string][3]uint32{ // mode, uid, gid
		"sg/f": {0o644, 0, 0}, "sg/sub": {0o755, 0, 0}, "sg": {0o2775, 0, 42},
		"m": {0o750, 0, 0}, "open": {0o755, 0, 0}, "sticky": {0o1777, 0, 0},
	}
	for name, w := range want {
		var st unix.Stat_t
		if err := unix.Lstat(filepath.Join(root, name), &st); err != nil {
			t.Fatal(err)
		}
		if got := [3]uint32{st.Mode & 0o7777, st.Uid, st.Gid}; got != w {
			t.Errorf("%s: mode, uid, gid %o %d %d, want %o %d %d", name, got[0], got[1], got[2], w[0], w[1], w[2])
		}
	}
	var st unix.Stat_t
	unix.Lstat(filepath.Join(root, "sg/l"), &st)
	if st.Uid != 0 || st.Gid != 0 {
		t.Errorf("symlink in a set-group-ID directory: owner %d:%d, want 0:0", st.Uid, st.Gid)
	}
}

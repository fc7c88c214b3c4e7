package image

import (
	"archive/tar"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

func TestWriteLayerTarTurnsOverlayMarksIntoWhiteouts(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("whiteout devices and trusted xattrs need root")
	}
	up := t.TempDir()
	os.MkdirAll(filepath.Join(up, "etc/opq"), 0o755)
	os.WriteFile(filepath.Join(up, "etc/new"), []byte("new\n"), 0o644)
	os.Link(filepath.Join(up, "etc/new"), filepath.Join(up, "etc/link"))
	os.Symlink("new", filepath.Join(up, "etc/sym"))
	if err := unix.Mknod(filepath.Join(up, "etc/gone"), unix.S_IFCHR|0o600, 0); err != nil {
		t.Fatal(err)
	}
	if err := unix.Setxattr(filepath.Join(up, "etc/opq"), "trusted.overlay.opaque", []byte("y"), 0); err != nil {
		t.Skip("no trusted xattrs here:", err)
	}
	var b bytes.Buffer
	if err := WriteLayerTar(&b, up); err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(&b)
	var got []string
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		entry := h.Name + " " + string(h.Typeflag)
		if h.Typeflag == tar.TypeLink || h.Typeflag == tar.TypeSymlink {
			entry += " " + h.Linkname
		}
		got = append(got, entry)
	}
	sort.Strings(got)
	want := []string{"etc/ 5", "etc/.wh.gone 0", "etc/link 0", "etc/new 1 etc/link", "etc/opq/ 5", "etc/opq/.wh..wh..opq 0", "etc/sym 2 new"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

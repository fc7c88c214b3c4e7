package image

import (
	"archive/tar"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// WriteLayerTar writes an overlayfs upper directory as an OCI layer tar:
// a whiteout (a 0/0 character device) becomes .wh.NAME, an opaque
// directory (trusted.overlay.opaque=y) gets a .wh..wh..opq entry, hard
// links inside the layer stay links. `container commit` and the build
// both make their layers with it.
func WriteLayerTar(w io.Writer, upper string) error {
	tw := tar.NewWriter(w)
	links := map[uint64]string{} // inode -> first path, for hard links
	err := filepath.WalkDir(upper, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(upper, p)
		if err != nil || rel == "." {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		st, _ := fi.Sys().(*syscall.Stat_t)
		if fi.Mode()&fs.ModeCharDevice != 0 && st != nil && st.Rdev == 0 {
			return tw.WriteHeader(&tar.Header{Name: whiteoutName(rel), Typeflag: tar.TypeReg, Mode: 0o600,
				ModTime: fi.ModTime(), Format: tar.FormatPAX})
		}
		hdr, err := tarHeader(p, rel, fi, st, links)
		if err != nil {
			return err
		}
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		if d.IsDir() && isOpaque(p) {
			return tw.WriteHeader(&tar.Header{Name: filepath.Join(rel, ".wh..wh..opq"), Typeflag: tar.TypeReg,
				Mode: 0o600, ModTime: fi.ModTime(), Format: tar.FormatPAX})
		}
		if hdr.Typeflag == tar.TypeReg {
			f, err := os.Open(p)
			if err != nil {
				return err
			}
			_, err = io.Copy(tw, f)
			f.Close()
			return err
		}
		return nil
	})
	if err != nil {
		return err
	}
	return tw.Close()
}

func whiteoutName(rel string) string {
	return filepath.Join(filepath.Dir(rel), ".wh."+filepath.Base(rel))
}

func tarHeader(p, rel string, fi fs.FileInfo, st *syscall.Stat_t, links map[uint64]string) (*tar.Header, error) {
	target := ""
	if fi.Mode()&fs.ModeSymlink != 0 {
		var err error
		if target, err = os.Readlink(p); err != nil {
			return nil, err
		}
	}
	hdr, err := tar.FileInfoHeader(fi, target)
	if err != nil {
		return nil, err
	}
	hdr.Name = rel
	if fi.IsDir() {
		hdr.Name += "/"
	}
	hdr.Format = tar.FormatPAX
	hdr.Uname, hdr.Gname = "", ""
	hdr.ModTime = fi.ModTime().Truncate(time.Second)
	hdr.AccessTime, hdr.ChangeTime = time.Time{}, time.Time{}
	if st != nil {
		hdr.Uid, hdr.Gid = int(st.Uid), int(st.Gid)
		if fi.Mode().IsRegular() && st.Nlink > 1 {
			if first, ok := links[st.Ino]; ok {
				hdr.Typeflag, hdr.Linkname, hdr.Size = tar.TypeLink, first, 0
			} else {
				links[st.Ino] = rel
			}
		}
	}
	if caps, err := getxattr(p, "security.capability"); err == nil && len(caps) > 0 {
		hdr.PAXRecords = map[string]string{"SCHILY.xattr.security.capability": string(caps)}
	}
	return hdr, nil
}

func isOpaque(dir string) bool {
	for _, name := range []string{"trusted.overlay.opaque", "user.overlay.opaque"} {
		if v, err := getxattr(dir, name); err == nil && strings.TrimSpace(string(v)) == "y" {
			return true
		}
	}
	return false
}

func getxattr(path, name string) ([]byte, error) {
	buf := make([]byte, 256)
	n, err := unix.Lgetxattr(path, name, buf)
	if err != nil {
		return nil, err
	}
	return buf[:n], nil
}

package engine

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"myrunc/image"
	"myrunc/internal/copyclose"
)

// SplitCopyArg reads a cp argument: CONTAINER:PATH, or a local path (one
// that starts with / or . never names a container).
func SplitCopyArg(arg string) (container, p string) {
	if strings.HasPrefix(arg, "/") || strings.HasPrefix(arg, ".") {
		return "", arg
	}
	if c, p, ok := strings.Cut(arg, ":"); ok && c != "" {
		return c, p
	}
	return "", arg
}

// Copy copies files between a container and the host (Docker's cp rules:
// a directory is copied into an existing directory, SRC/. copies its
// contents). Paths inside the container resolve inside its root.
func (e *Engine) Copy(src, dst string) error {
	sc, sp := SplitCopyArg(src)
	dc, dp := SplitCopyArg(dst)
	switch {
	case sc != "" && dc != "":
		return errors.New("copying between containers is not supported")
	case sc == "" && dc == "":
		return errors.New("must specify at least one container source")
	case src == "-" || dst == "-":
		return errors.New("cp with - (tar streams) is not supported")
	}
	ref := sc + dc
	root, done, err := e.containerRoot(ref)
	if err != nil {
		return err
	}
	defer done()
	r, err := os.OpenRoot(root)
	if err != nil {
		return err
	}
	defer r.Close()
	if sc != "" {
		return copyOut(r, sp, dp)
	}
	return copyIn(sp, r, dp)
}

// containerRoot is where the container's files are: its live root (with
// its volumes) while it runs, else its root filesystem mounted for the
// copy (the container's lock is held meanwhile, so it cannot start).
func (e *Engine) containerRoot(ref string) (string, func(), error) {
	h, err := e.lockRef(ref)
	if err != nil {
		return "", nil, err
	}
	c := h.c
	if c.State.Running() && c.State.Pid > 0 {
		h.unlock()
		return fmt.Sprintf("/proc/%d/root", c.State.Pid), func() {}, nil
	}
	rootfs := e.rootfsDir(c.ID)
	if isMounted(rootfs) {
		return rootfs, h.unlock, nil
	}
	store, err := image.Open(e.DataRoot)
	if err == nil {
		var img *image.Image
		if img, err = store.Get(c.Image); err == nil {
			if err = os.MkdirAll(rootfs, 0o755); err == nil {
				err = store.MountRootfs(c.ID, img, rootfs)
			}
		}
	}
	if err != nil {
		h.unlock()
		return "", nil, err
	}
	return rootfs, func() { unmount(rootfs); h.unlock() }, nil
}

func inRoot(p string) string {
	rel := strings.TrimLeft(path.Clean("/"+p), "/")
	if rel == "" {
		return "."
	}
	return rel
}

// copyOut copies the container's src to the host's dst.
func copyOut(r *os.Root, src, dst string) error {
	rel := inRoot(src)
	st, err := r.Lstat(rel)
	if err != nil {
		return fmt.Errorf("Could not find the file %s in container: %w", src, err)
	}
	contents := strings.HasSuffix(src, "/.")
	target, err := copyTarget(st.IsDir(), contents, path.Base(path.Clean("/"+src)), dst)
	if err != nil {
		return err
	}
	return copyOutTree(r, rel, target)
}

// copyTarget applies Docker's rules for where SRC lands given DST.
func copyTarget(srcIsDir, contents bool, base, dst string) (string, error) {
	dstSt, err := os.Stat(dst)
	switch {
	case err == nil && dstSt.IsDir() && !contents:
		return filepath.Join(dst, base), nil
	case err == nil && !dstSt.IsDir() && srcIsDir:
		return "", fmt.Errorf("cannot copy a directory to a file: %s", dst)
	case errors.Is(err, os.ErrNotExist) && strings.HasSuffix(dst, "/") && !srcIsDir:
		return "", fmt.Errorf("destination directory %s does not exist", dst)
	case err != nil && !errors.Is(err, os.ErrNotExist):
		return "", err
	}
	return dst, nil
}

func copyOutTree(r *os.Root, rel, dst string) error {
	st, err := r.Lstat(rel)
	if err != nil {
		return err
	}
	switch {
	case st.IsDir():
		if err := os.MkdirAll(dst, st.Mode().Perm()); err != nil {
			return err
		}
		d, err := r.Open(rel)
		if err != nil {
			return err
		}
		entries, err := d.ReadDir(-1)
		d.Close()
		if err != nil {
			return err
		}
		for _, en := range entries {
			if err := copyOutTree(r, path.Join(rel, en.Name()), filepath.Join(dst, en.Name())); err != nil {
				return err
			}
		}
		return nil
	case st.Mode()&fs.ModeSymlink != 0:
		target, err := r.Readlink(rel)
		if err != nil {
			return err
		}
		os.Remove(dst)
		return os.Symlink(target, dst)
	case st.Mode().IsRegular():
		in, err := r.Open(rel)
		if err != nil {
			return err
		}
		defer in.Close()
		return writeFile(dst, in, st.Mode().Perm())
	}
	return nil // devices, sockets and fifos are not copied
}

func writeFile(dst string, in io.Reader, mode fs.FileMode) error {
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, mode)
	if err != nil {
		return err
	}
	return copyclose.Copy(out, in)
}

// copyIn copies the host's src into the container's dst.
func copyIn(src string, r *os.Root, dst string) error {
	st, err := os.Lstat(src)
	if err != nil {
		return err
	}
	contents := strings.HasSuffix(src, "/.")
	rel := inRoot(dst)
	dstSt, err := r.Stat(rel)
	switch {
	case err == nil && dstSt.IsDir() && !contents:
		rel = path.Join(rel, filepath.Base(filepath.Clean(src)))
	case err == nil && !dstSt.IsDir() && st.IsDir():
		return fmt.Errorf("cannot copy a directory to a file: %s", dst)
	case errors.Is(err, os.ErrNotExist) && strings.HasSuffix(dst, "/") && !st.IsDir():
		return fmt.Errorf("destination directory %s does not exist in the container", dst)
	case err != nil && !errors.Is(err, os.ErrNotExist):
		return err
	}
	return copyInTree(src, r, rel)
}

func copyInTree(src string, r *os.Root, rel string) error {
	st, err := os.Lstat(src)
	if err != nil {
		return err
	}
	switch {
	case st.IsDir():
		if err := r.MkdirAll(rel, st.Mode().Perm()); err != nil && !errors.Is(err, os.ErrExist) {
			return err
		}
		entries, err := os.ReadDir(src)
		if err != nil {
			return err
		}
		for _, en := range entries {
			if err := copyInTree(filepath.Join(src, en.Name()), r, path.Join(rel, en.Name())); err != nil {
				return err
			}
		}
		return nil
	case st.Mode()&fs.ModeSymlink != 0:
		target, err := os.Readlink(src)
		if err != nil {
			return err
		}
		r.Remove(rel)
		return r.Symlink(target, rel)
	case st.Mode().IsRegular():
		in, err := os.Open(src)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := r.OpenFile(rel, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, st.Mode().Perm())
		if err != nil {
			return err
		}
		return copyclose.Copy(out, in)
	}
	return nil
}

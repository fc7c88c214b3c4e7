// Package inscope resolves a path inside a container's root filesystem
// as the container would see it: symlinks, absolute ones included, are
// followed as if the root were "/", and nothing leads out of it.
package inscope

import (
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// Resolve is the image path p with its symlinks followed as if rootfs
// were "/", as Docker follows a COPY, ADD or WORKDIR destination's links,
// or a working directory's, inside the image (Debian's /var/run -> /run
// is absolute: os.Root alone refuses it). The longest existing prefix of p is resolved by the
// kernel (openat2 RESOLVE_IN_ROOT, so nothing leads out of rootfs); a
// dangling link after it is followed the same way; the missing rest is
// kept as written.
func Resolve(rootfs, p string) (string, error) {
	root, err := os.Open(rootfs)
	if err != nil {
		return "", err
	}
	defer root.Close()
	rootPath, err := fdPath(int(root.Fd()))
	if err != nil {
		return "", err
	}
	s := scope{root: int(root.Fd()), path: rootPath}
	for links := 0; links < 40; links++ {
		resolved, next, rest, err := s.existing(p)
		if err != nil {
			return "", fmt.Errorf("resolving %s in the image: %w", p, err)
		}
		if next == "" {
			return resolved, nil
		}
		buf := make([]byte, unix.PathMax)
		n, err := unix.Readlinkat(s.root, strings.TrimPrefix(path.Join(resolved, next), "/"), buf)
		if err != nil { // not a link: a name to make
			return path.Join(resolved, next, rest), nil
		}
		link := string(buf[:n])
		if !path.IsAbs(link) {
			link = path.Join(resolved, link)
		}
		p = path.Join(link, rest)
	}
	return "", fmt.Errorf("resolving %s in the image: too many levels of symbolic links", p)
}

type scope struct {
	root int
	path string
}

// existing splits p into its longest existing prefix (resolved), the
// first missing name and the rest after it.
func (s scope) existing(p string) (resolved, next, rest string, err error) {
	parts := strings.Split(strings.TrimPrefix(path.Clean("/"+p), "/"), "/")
	if parts[0] == "" {
		return "/", "", "", nil
	}
	for i := len(parts); i > 0; i-- {
		fd, err := unix.Openat2(s.root, strings.Join(parts[:i], "/"), &unix.OpenHow{
			Flags: unix.O_PATH | unix.O_CLOEXEC, Resolve: unix.RESOLVE_IN_ROOT | unix.RESOLVE_NO_MAGICLINKS})
		if errors.Is(err, unix.ENOENT) || errors.Is(err, unix.ENOTDIR) {
			continue
		}
		if err != nil {
			return "", "", "", err
		}
		got, err := fdPath(fd)
		unix.Close(fd)
		if err != nil {
			return "", "", "", err
		}
		rel, err := filepath.Rel(s.path, got)
		if err != nil || rel == ".." || strings.HasPrefix(rel, "../") {
			return "", "", "", errors.New("it leads out of the image")
		}
		resolved = path.Join("/", filepath.ToSlash(rel))
		if i == len(parts) {
			return resolved, "", "", nil
		}
		return resolved, parts[i], path.Join(parts[i+1:]...), nil
	}
	return "/", parts[0], path.Join(parts[1:]...), nil
}

func fdPath(fd int) (string, error) {
	return os.Readlink(fmt.Sprintf("/proc/self/fd/%d", fd))
}

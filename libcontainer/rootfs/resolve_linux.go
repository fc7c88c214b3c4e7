package rootfs

import (
	"errors"
	"fmt"
	"os"
	"path"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// fdPath names an open handle for syscalls that take paths (mount(2)):
// the kernel follows the magic link to exactly the object we resolved,
// so a symlink swapped in afterwards cannot redirect the mount.
func fdPath(f *os.File) string {
	return "/proc/self/fd/" + strconv.Itoa(int(f.Fd()))
}

// checkFdPaths makes sure fdPath names lead to our own descriptors. After
// pivot_root, /proc is the container's, and a mount config.json put over
// /proc/self/fd (or a /proc that is not procfs) would send every mount(2)
// made through fdPath to files of the container's choosing, e.g. the
// read-only bind of /proc/sys onto a decoy (CVE-2025-52881). A fresh pipe
// is a file nothing else can hold: its fdPath must reach it. Nothing of the
// container runs yet that could change its mounts after the check.
func checkFdPaths() error {
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC); err != nil {
		return os.NewSyscallError("pipe2", err)
	}
	defer unix.Close(p[0])
	defer unix.Close(p[1])
	var want, got unix.Stat_t
	if err := unix.Fstat(p[0], &want); err != nil {
		return os.NewSyscallError("fstat", err)
	}
	err := unix.Stat("/proc/self/fd/"+strconv.Itoa(p[0]), &got)
	if err != nil || got.Dev != want.Dev || got.Ino != want.Ino {
		return errors.New("/proc/self/fd does not lead to the runtime's own descriptors (something is mounted over it, or /proc is not procfs): refusing to mount through it")
	}
	return nil
}

// inRoot resolves p inside root with openat2(RESOLVE_IN_ROOT): symlinks
// and ".." in the image are followed as if root were "/", so nothing in
// the rootfs can point a mount at the host.
func inRoot(root *os.File, p string, flags uint64) (*os.File, error) {
	how := &unix.OpenHow{Flags: unix.O_PATH | unix.O_CLOEXEC | flags,
		Resolve: unix.RESOLVE_IN_ROOT | unix.RESOLVE_NO_MAGICLINKS}
	for {
		fd, err := unix.Openat2(int(root.Fd()), p, how)
		if err == unix.EINTR || err == unix.EAGAIN {
			continue
		}
		if err != nil {
			return nil, &os.PathError{Op: "open", Path: p, Err: err}
		}
		return os.NewFile(uintptr(fd), p), nil
	}
}

// openDir resolves target inside root, creating missing directories one
// component at a time. Each prefix is resolved from the rootfs's root
// (RESOLVE_IN_ROOT), so a symlink on the way, absolute or relative, is
// followed inside the rootfs (an image's /var/run -> /run), never out of
// it, and a directory is only ever made in a parent resolved so.
func openDir(root *os.File, target string) (*os.File, error) {
	f, err := inRoot(root, target, unix.O_DIRECTORY)
	if err == nil || !errors.Is(err, unix.ENOENT) {
		return f, err
	}
	parent, err := inRoot(root, "/", unix.O_DIRECTORY)
	if err != nil {
		return nil, err
	}
	prefix := ""
	for _, name := range strings.Split(strings.Trim(path.Clean(target), "/"), "/") {
		prefix += "/" + name
		next, err := inRoot(root, prefix, unix.O_DIRECTORY)
		if errors.Is(err, unix.ENOENT) {
			if err := unix.Mkdirat(int(parent.Fd()), name, 0o755); err != nil && err != unix.EEXIST {
				parent.Close()
				return nil, fmt.Errorf("mkdir %s: %w", target, &os.PathError{Op: "mkdir", Path: prefix, Err: err})
			}
			next, err = inRoot(root, prefix, unix.O_DIRECTORY)
			if errors.Is(err, unix.ENOENT) {
				err = &os.PathError{Op: "mkdir", Path: prefix, Err: errors.New("is a symlink to nothing (dangling) where a directory is needed")}
			}
		}
		parent.Close()
		if err != nil {
			return nil, fmt.Errorf("mkdir %s: %w", target, err)
		}
		parent = next
	}
	return parent, nil
}

// openFile resolves target inside root as a file (a mount point for a
// file bind, a device node), creating it and its parents if missing.
func openFile(root *os.File, target string) (*os.File, error) {
	if f, err := inRoot(root, target, 0); err == nil || !errors.Is(err, unix.ENOENT) {
		return f, err
	}
	dir, err := openDir(root, path.Dir(target))
	if err != nil {
		return nil, err
	}
	defer dir.Close()
	name := path.Base(target)
	fd, err := unix.Openat(int(dir.Fd()), name, unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_CLOEXEC|unix.O_RDONLY, 0o644)
	if err != nil && err != unix.EEXIST {
		return nil, &os.PathError{Op: "create", Path: target, Err: err}
	}
	if err == nil {
		unix.Close(fd)
	}
	return inRoot(root, target, 0)
}

// openExisting resolves target inside root; ok is false if it does not exist.
func openExisting(root *os.File, target string) (f *os.File, ok bool, err error) {
	f, err = inRoot(root, target, 0)
	if errors.Is(err, unix.ENOENT) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return f, true, nil
}

// openParent resolves the directory that will hold target's last component.
func openParent(root *os.File, target string) (*os.File, error) {
	return openDir(root, path.Dir(target))
}

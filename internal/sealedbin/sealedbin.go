// Package sealedbin keeps a program embedded in myrunc as a file written
// once (the slim init, the engine) and opens such files sealed against
// writes, so that a container can never overwrite a binary the host runs
// (CVE-2019-5736).
package sealedbin

import (
	"errors"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"

	"myrunc/internal/atomicfile"
)

// Cache returns dir/prefix+sum, writing data there the first time this
// build runs with dir; sum names the build of data. Files of other
// builds (other sums) are removed: a running program keeps its file
// even when unlinked.
func Cache(dir, prefix, sum string, data []byte) (string, error) {
	path := filepath.Join(dir, prefix+sum)
	if st, err := os.Stat(path); err == nil && st.Size() == int64(len(data)) && st.Mode().Perm() == 0o555 {
		return path, nil
	} else if err != nil && !errors.Is(err, os.ErrNotExist) {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	old, _ := filepath.Glob(filepath.Join(dir, prefix+"*"))
	for _, f := range old {
		if f != path && !atomicfile.IsTemp(f) { // another process may have just written ours
			os.Remove(f)
		}
	}
	return path, atomicfile.WriteSweeping(path, data, 0o555)
}

// Seal opens path through a detached, read-only bind mount of it: a
// process that gets hold of the file (/proc/<pid>/exe of a program run
// from the descriptor) cannot reopen it for writing (EROFS), and nothing
// else reaches that mount, which has no place in any mount table. It
// costs two syscalls, not a copy of the binary. Without the privilege to
// make mounts (rootless) it fails.
func Seal(path string) (*os.File, error) {
	fd, err := unix.OpenTree(unix.AT_FDCWD, path, unix.OPEN_TREE_CLONE|unix.OPEN_TREE_CLOEXEC)
	if err != nil {
		return nil, &os.PathError{Op: "open_tree", Path: path, Err: err}
	}
	attr := &unix.MountAttr{Attr_set: unix.MOUNT_ATTR_RDONLY | unix.MOUNT_ATTR_NODEV | unix.MOUNT_ATTR_NOSUID}
	if err := unix.MountSetattr(fd, "", unix.AT_EMPTY_PATH, attr); err != nil {
		unix.Close(fd)
		return nil, &os.PathError{Op: "mount_setattr", Path: path, Err: err}
	}
	return os.NewFile(uintptr(fd), path+" (sealed)"), nil
}

// Memfd is a sealed copy of data in memory, for when no file can be
// written or sealed: it costs a copy of data per use.
func Memfd(name string, data []byte) (*os.File, error) {
	fd, err := unix.MemfdCreate(name, unix.MFD_CLOEXEC|unix.MFD_ALLOW_SEALING)
	if err != nil {
		return nil, os.NewSyscallError("memfd_create", err)
	}
	f := os.NewFile(uintptr(fd), name+" (memfd)")
	if _, err := f.Write(data); err != nil {
		f.Close()
		return nil, err
	}
	seals := unix.F_SEAL_SEAL | unix.F_SEAL_SHRINK | unix.F_SEAL_GROW | unix.F_SEAL_WRITE
	if _, err := unix.FcntlInt(f.Fd(), unix.F_ADD_SEALS, seals); err != nil {
		f.Close()
		return nil, os.NewSyscallError("fcntl F_ADD_SEALS", err)
	}
	return f, nil
}

package libcontainer

import (
	"errors"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"

	"myrunc/internal/atomicfile"
	"myrunc/libcontainer/slimbin"
)

// initExe opens the binary the init is exec'd from, sealed (see seal):
// the slim init embedded in this build, kept as a file under slimRoot, or
// our own binary when slimRoot is "" (the init needs nsenter, which the
// slim init lacks) or there is no slim init. nil: run /proc/self/exe.
func initExe(slimRoot string) *os.File {
	if slimRoot != "" && len(slimbin.Binary) > 0 {
		if path, err := slimInitFile(slimRoot); err == nil {
			if f := seal(path); f != nil {
				return f
			}
		}
	}
	return seal("/proc/self/exe")
}

// slimInitFile writes the embedded slim init under root the first time
// this build runs there; its name carries the build's checksum.
func slimInitFile(root string) (string, error) {
	path := filepath.Join(root, ".cache", "init", "myrunc-init-"+slimbin.Sum())
	if st, err := os.Stat(path); err == nil && st.Size() == int64(len(slimbin.Binary)) && st.Mode().Perm() == 0o555 {
		return path, nil
	} else if err != nil && !errors.Is(err, os.ErrNotExist) {
		return "", err
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	// inits of other builds are not needed any more: a running init
	// keeps its file even when unlinked
	old, _ := filepath.Glob(filepath.Join(dir, "myrunc-init-*"))
	for _, f := range old {
		if f != path { // another create may have just written ours
			os.Remove(f)
		}
	}
	return path, atomicfile.Write(path, slimbin.Binary, 0o555)
}

// seal opens path through a detached, read-only bind mount of it
// (CVE-2019-5736): a container process that gets hold of /proc/<init>/exe
// can then not reopen it for writing (EROFS), and nothing else reaches
// that mount, which has no place in any mount table. It costs two
// syscalls, not a copy of the binary per container. Without the privilege
// to make mounts (rootless) it returns nil, and the init runs from
// /proc/self/exe: an unprivileged user's container cannot write a binary
// its user may not write. (The slim init's file is never used unsealed:
// a rootless user owns it.)
func seal(path string) *os.File {
	fd, err := unix.OpenTree(unix.AT_FDCWD, path, unix.OPEN_TREE_CLONE|unix.OPEN_TREE_CLOEXEC)
	if err != nil {
		return nil
	}
	attr := &unix.MountAttr{Attr_set: unix.MOUNT_ATTR_RDONLY | unix.MOUNT_ATTR_NODEV | unix.MOUNT_ATTR_NOSUID}
	if err := unix.MountSetattr(fd, "", unix.AT_EMPTY_PATH, attr); err != nil {
		unix.Close(fd)
		return nil
	}
	return os.NewFile(uintptr(fd), path+" (sealed)")
}

package libcontainer

import (
	"os"

	"golang.org/x/sys/unix"
)

// sealedExe opens our own binary through a detached, read-only bind mount
// of it, for the init to be exec'd from (CVE-2019-5736): a container
// process that gets hold of /proc/<init>/exe can then not reopen it for
// writing (EROFS), and nothing else reaches that mount, which has no
// place in any mount table. It costs two syscalls, not a copy of the
// binary per container. Without the privilege to make mounts (rootless)
// it returns nil, and the init runs from /proc/self/exe: an unprivileged
// user's container cannot write a binary its user may not write.
func sealedExe() *os.File {
	fd, err := unix.OpenTree(unix.AT_FDCWD, "/proc/self/exe", unix.OPEN_TREE_CLONE|unix.OPEN_TREE_CLOEXEC)
	if err != nil {
		return nil
	}
	attr := &unix.MountAttr{Attr_set: unix.MOUNT_ATTR_RDONLY | unix.MOUNT_ATTR_NODEV | unix.MOUNT_ATTR_NOSUID}
	if err := unix.MountSetattr(fd, "", unix.AT_EMPTY_PATH, attr); err != nil {
		unix.Close(fd)
		return nil
	}
	return os.NewFile(uintptr(fd), "myrunc (sealed)")
}

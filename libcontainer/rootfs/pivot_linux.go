package rootfs

import (
	"os"

	"golang.org/x/sys/unix"
)

// Prepare cuts the container's mount namespace off from the host (mounts
// made from now on never propagate back) and makes rootfs a mount point,
// which pivot_root needs.
func Prepare(rootfs string) error {
	if err := mount("", "/", "", unix.MS_SLAVE|unix.MS_REC, ""); err != nil {
		return &MountError{Op: "make slave", Target: "/", Err: err}
	}
	if err := mount(rootfs, rootfs, "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
		return &MountError{Op: "bind", Source: rootfs, Target: rootfs, Err: err}
	}
	return nil
}

// Pivot makes rootfs the root and detaches the old one. pivot_root(".", ".")
// stacks the old root on top of the new one, so no directory for it is
// needed inside the container.
func Pivot(rootfs string) error {
	oldRoot, err := unix.Open("/", unix.O_DIRECTORY|unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return &os.PathError{Op: "open", Path: "old root", Err: err}
	}
	defer unix.Close(oldRoot)
	if err := unix.Chdir(rootfs); err != nil {
		return &os.PathError{Op: "chdir", Path: rootfs, Err: err}
	}
	if err := unix.PivotRoot(".", "."); err != nil {
		return &os.PathError{Op: "pivot_root", Path: rootfs, Err: err}
	}
	// Enter the old root (stacked on ".") by its handle and make it a
	// recursive slave before detaching it: whatever propagation the
	// container's root was given (rshared for Kubernetes' Bidirectional
	// mounts), the unmount must not propagate to the host's peers and
	// unmount their mounts (the host's /run/netns/* went that way).
	if err := unix.Fchdir(oldRoot); err != nil {
		return &os.PathError{Op: "fchdir", Path: "old root", Err: err}
	}
	if err := mount("", ".", "", unix.MS_SLAVE|unix.MS_REC, ""); err != nil {
		return &MountError{Op: "make slave", Target: "old root", Err: err}
	}
	if err := unix.Unmount(".", unix.MNT_DETACH); err != nil {
		return &os.PathError{Op: "umount", Path: "old root", Err: err}
	}
	return chdirRoot()
}

// MoveRoot is --no-pivot: move the rootfs mount over "/" and chroot into
// it, for filesystems (ramfs) where pivot_root is not possible.
func MoveRoot(rootfs string) error {
	if err := unix.Chdir(rootfs); err != nil {
		return &os.PathError{Op: "chdir", Path: rootfs, Err: err}
	}
	if err := mount(rootfs, "/", "", unix.MS_MOVE, ""); err != nil {
		return &MountError{Op: "move", Source: rootfs, Target: "/", Err: err}
	}
	if err := unix.Chroot("."); err != nil {
		return &os.PathError{Op: "chroot", Path: rootfs, Err: err}
	}
	return chdirRoot()
}

// Chroot is for containers that share the host's mount namespace.
func Chroot(rootfs string) error {
	if err := unix.Chdir(rootfs); err != nil {
		return &os.PathError{Op: "chdir", Path: rootfs, Err: err}
	}
	if err := unix.Chroot("."); err != nil {
		return &os.PathError{Op: "chroot", Path: rootfs, Err: err}
	}
	return chdirRoot()
}

func chdirRoot() error {
	if err := unix.Chdir("/"); err != nil {
		return &os.PathError{Op: "chdir", Path: "/", Err: err}
	}
	return nil
}

// Finish runs the post-pivot ops (read-only root, masked and read-only
// paths, root propagation) with "/" as the root.
func Finish(ops []Op) error {
	if len(ops) == 0 {
		return nil
	}
	if err := checkFdPaths(); err != nil {
		return err
	}
	return Apply("/", ops, ApplyOpts{})
}

package rootfs

import (
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/moby/sys/mountinfo"

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
	if err := unix.Chdir(rootfs); err != nil {
		return &os.PathError{Op: "chdir", Path: rootfs, Err: err}
	}
	if err := unix.PivotRoot(".", "."); err != nil {
		return &os.PathError{Op: "pivot_root", Path: rootfs, Err: err}
	}
	// The old root now sits on top of "."; it is a slave of the host's
	// since Prepare, so detaching it cannot reach the host. (A mount(2)
	// of "." here would change the new root instead: mount does not
	// cross onto the mount stacked on ".", umount does.)
	if err := unix.Unmount(".", unix.MNT_DETACH); err != nil {
		return &os.PathError{Op: "umount", Path: "old root", Err: err}
	}
	return chdirRoot()
}

// MoveRoot is --no-pivot: move the rootfs mount over "/" and chroot into
// it, for filesystems (ramfs) where pivot_root is not possible.
func MoveRoot(rootfs string) error {
	if err := hideFullProcAndSys(rootfs); err != nil {
		return err
	}
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

// hideFullProcAndSys unmounts (or, where that is refused, covers with a
// tmpfs) every whole procfs and sysfs mount outside rootfs. Without
// pivot_root the host's ones stay in the container's mount namespace,
// out of reach of its chroot but not of the kernel's rule that a new
// procfs or sysfs may be mounted in a user namespace when a full one is
// visible in the mount namespace: the container could mount a fresh
// procfs that shows what its masks hide. (runc does the same.)
func hideFullProcAndSys(rootfs string) error {
	mounts, err := mountinfo.GetMounts(func(m *mountinfo.Info) (skip, stop bool) {
		full := m.Root == "/" && (m.FSType == "proc" || m.FSType == "sysfs")
		return !full || m.Mountpoint == rootfs || strings.HasPrefix(m.Mountpoint, rootfs+"/"), false
	})
	if err != nil {
		return fmt.Errorf("--no-pivot: read the mount table: %w", err)
	}
	// deepest first: /proc/sys/fs/binfmt_misc's parent before /proc
	sort.Slice(mounts, func(i, j int) bool { return len(mounts[i].Mountpoint) > len(mounts[j].Mountpoint) })
	for _, m := range mounts {
		err := unix.Unmount(m.Mountpoint, unix.MNT_DETACH)
		if err == unix.ENOENT {
			continue // gone with a mount above it
		}
		if err == unix.EINVAL || err == unix.EPERM {
			err = mount("tmpfs", m.Mountpoint, "tmpfs", unix.MS_RDONLY, "size=0k")
		}
		if err != nil {
			return &MountError{Op: "--no-pivot: hide", Target: m.Mountpoint, FSType: m.FSType, Err: err}
		}
	}
	return nil
}

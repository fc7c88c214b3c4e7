package rootfs

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/moby/sys/mountinfo"

	"golang.org/x/sys/unix"
)

// Prepare sets the propagation of the container's mount namespace and
// makes rootfs a mount point, which pivot_root needs. By default "/"
// becomes a recursive slave: mounts made from now on never propagate back
// to the host. linux.rootfsPropagation replaces that (as in runc): with
// "rshared", a mount the container makes under an rshared bind of a
// shared host directory appears on the host (Kubernetes' Bidirectional).
// The mount holding rootfs is made private either way, so that pivot_root
// works and the bind of rootfs onto itself stays in the container.
func Prepare(rootfs, propagation string) error {
	flag := uintptr(unix.MS_SLAVE | unix.MS_REC)
	if f, ok := PropagationFlag(propagation); ok && f != 0 {
		flag = f
	}
	if err := mount("", "/", "", flag, ""); err != nil {
		return &MountError{Op: "set propagation of", Target: "/", Flags: flag, Err: err}
	}
	if err := parentMountPrivate(rootfs); err != nil {
		return err
	}
	if err := mount(rootfs, rootfs, "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
		return &MountError{Op: "bind", Source: rootfs, Target: rootfs, Err: err}
	}
	return nil
}

// parentMountPrivate makes the mount that holds dir (the closest mount
// point at or above it) private, if propagation made it shared.
func parentMountPrivate(dir string) error {
	for p := filepath.Clean(dir); ; p = filepath.Dir(p) {
		err := mount("", p, "", unix.MS_PRIVATE, "")
		if err == nil {
			return nil
		}
		// EINVAL: not a mount point; go up
		if err != unix.EINVAL || p == "/" {
			return &MountError{Op: "make private", Target: p, Err: err}
		}
	}
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
	all, err := mountinfo.GetMounts(nil)
	if err != nil {
		return fmt.Errorf("--no-pivot: read the mount table: %w", err)
	}
	var mounts []*mountinfo.Info
	for _, m := range all {
		full := m.Root == "/" && (m.FSType == "proc" || m.FSType == "sysfs")
		if full && m.Mountpoint != rootfs && !strings.HasPrefix(m.Mountpoint, rootfs+"/") {
			mounts = append(mounts, m)
		}
	}
	if err := unsharePropagation(all, mounts); err != nil {
		return err
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

// unsharePropagation makes each mount to be hidden, and the mount it sits
// on, a slave (each alone: the container's own submounts keep theirs).
// With linux.rootfsPropagation "rshared" they are still peers of the
// host's mounts, and the host would lose its /proc and /sys to the
// unmounts (or get the covering tmpfs).
func unsharePropagation(all, hide []*mountinfo.Info) error {
	byID := make(map[int]*mountinfo.Info, len(all))
	for _, m := range all {
		byID[m.ID] = m
	}
	var targets []string
	for _, m := range hide {
		if p, ok := byID[m.Parent]; ok {
			targets = append(targets, p.Mountpoint)
		}
		targets = append(targets, m.Mountpoint)
	}
	for _, t := range targets {
		if err := mount("", t, "", unix.MS_SLAVE, ""); err != nil && err != unix.EINVAL && err != unix.ENOENT {
			return &MountError{Op: "--no-pivot: make slave", Target: t, Flags: unix.MS_SLAVE, Err: err}
		}
	}
	return nil
}

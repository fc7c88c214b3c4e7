package rootfs

import (
	"errors"
	"fmt"
	"os"

	"github.com/mrunalp/fileutils"
	"golang.org/x/sys/unix"
)

// MountError keeps what the kernel was asked to do.
type MountError struct {
	Op     string
	Source string
	Target string
	FSType string
	Flags  uintptr
	Data   string
	Err    error
}

func (e *MountError) Error() string {
	s := e.Op + " " + e.Target
	if e.Source != "" {
		s = fmt.Sprintf("%s %s on %s", e.Op, e.Source, e.Target)
	}
	if e.FSType != "" && e.FSType != "bind" {
		s += " (type " + e.FSType + ")"
	}
	return s + ": " + e.Err.Error()
}

func (e *MountError) Unwrap() error { return e.Err }

func mount(src, target, fstype string, flags uintptr, data string) error {
	for {
		err := unix.Mount(src, target, fstype, flags, data)
		if err != unix.EINTR {
			return err
		}
	}
}

// lockedFlags are the flags a mount inherited from a more privileged
// namespace keeps; a remount in a user namespace must repeat them.
func lockedFlags(target string) uintptr {
	var st unix.Statfs_t
	if unix.Statfs(target, &st) != nil {
		return 0
	}
	var f uintptr
	for _, m := range [][2]uintptr{
		{unix.ST_RDONLY, unix.MS_RDONLY}, {unix.ST_NOSUID, unix.MS_NOSUID},
		{unix.ST_NODEV, unix.MS_NODEV}, {unix.ST_NOEXEC, unix.MS_NOEXEC},
		{unix.ST_NOATIME, unix.MS_NOATIME}, {unix.ST_NODIRATIME, unix.MS_NODIRATIME},
		{unix.ST_RELATIME, unix.MS_RELATIME},
	} {
		if uintptr(st.Flags)&m[0] != 0 {
			f |= m[1]
		}
	}
	return f
}

// remount changes a bind mount's flags, keeping locked ones when the
// kernel insists (user namespaces).
func remount(target string, flags uintptr) error {
	err := mount("", target, "", unix.MS_BIND|unix.MS_REMOUNT|flags, "")
	if errors.Is(err, unix.EPERM) {
		err = mount("", target, "", unix.MS_BIND|unix.MS_REMOUNT|flags|lockedFlags(target), "")
	}
	return err
}

// mountOp carries out one OpMount inside root.
func mountOp(root *os.File, op Op) error {
	isFile := false
	if op.FSType == "bind" {
		st, err := os.Stat(op.Source)
		if err != nil && op.Cgroup && os.IsNotExist(err) {
			return nil // a hierarchy the container's cgroup is not in
		}
		if err != nil {
			return &MountError{Op: "bind", Source: op.Source, Target: op.Target, Err: err}
		}
		isFile = !st.IsDir()
	}
	var under *os.File
	var err error
	if isFile {
		under, err = openFile(root, op.Target)
	} else {
		under, err = openDir(root, op.Target)
	}
	if err != nil {
		return err
	}
	defer under.Close()
	fstype := op.FSType
	if fstype == "bind" {
		fstype = ""
	}
	err = mount(op.Source, fdPath(under), fstype, op.Flags, op.Data)
	if errors.Is(err, unix.EPERM) && op.FSType == "sysfs" {
		// sysfs cannot be mounted without owning the network namespace
		// (rootless, or a shared host netns): show the host's instead.
		err = mount("/sys", fdPath(under), "", unix.MS_BIND|unix.MS_REC, "")
	}
	if err != nil {
		return &MountError{Op: "mount", Source: op.Source, Target: op.Target, FSType: op.FSType, Flags: op.Flags, Data: op.Data, Err: err}
	}
	if op.Remount == 0 && len(op.Propagation) == 0 && op.AttrSet|op.AttrClr == 0 && !op.TmpCopyUp {
		return nil
	}
	top, _, err := openExisting(root, op.Target)
	if err != nil {
		return err
	}
	if top == nil {
		return fmt.Errorf("mount on %s vanished", op.Target)
	}
	defer top.Close()
	if op.TmpCopyUp {
		// the directory under the fresh tmpfs is still reachable through
		// the handle we took before mounting
		if err := fileutils.CopyDirectory(fdPath(under), fdPath(top)); err != nil {
			return fmt.Errorf("tmpcopyup %s: %w", op.Target, err)
		}
	}
	return afterMount(top, op)
}

// afterMount applies flags that need the mount to exist first.
func afterMount(top *os.File, op Op) error {
	if op.Remount != 0 {
		if err := remount(fdPath(top), op.Remount); err != nil {
			return &MountError{Op: "remount", Target: op.Target, Flags: op.Remount, Err: err}
		}
	}
	for _, p := range op.Propagation {
		if err := mount("", fdPath(top), "", p, ""); err != nil {
			return &MountError{Op: "set propagation of", Target: op.Target, Flags: p, Err: err}
		}
	}
	if op.AttrSet|op.AttrClr != 0 {
		attr := &unix.MountAttr{Attr_set: op.AttrSet, Attr_clr: op.AttrClr}
		if op.AttrSet&unix.MOUNT_ATTR__ATIME != 0 {
			attr.Attr_clr |= unix.MOUNT_ATTR__ATIME
		}
		err := unix.MountSetattr(int(top.Fd()), "", unix.AT_EMPTY_PATH|unix.AT_RECURSIVE, attr)
		if err != nil {
			return &MountError{Op: "mount_setattr", Target: op.Target, Err: err}
		}
	}
	return nil
}

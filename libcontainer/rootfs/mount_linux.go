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

const (
	// the atime modes, one of which a mount has (strictatime is the
	// absence of the others in the kernel's mount flags)
	atimeModes = unix.MS_NOATIME | unix.MS_RELATIME | unix.MS_STRICTATIME
	atimeFlags = atimeModes | unix.MS_NODIRATIME
	// lockFlags: what a mount inherited from a more privileged user
	// namespace keeps (MNT_LOCK_* in the kernel)
	lockFlags = unix.MS_RDONLY | unix.MS_NODEV | unix.MS_NOEXEC | unix.MS_NOSUID | atimeFlags
)

// mountFlags reads the MS_* flags the mount at target has.
func mountFlags(target string) uintptr {
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
	if f&atimeModes == 0 {
		f |= unix.MS_STRICTATIME
	}
	return f
}

// remount changes a bind mount's flags to exactly set, as `mount --bind
// -o` means (what is not asked for is cleared; the atime mode stays when
// none is asked for). Where the kernel refuses because flags are locked
// (a user namespace), it tries again with the locked ones kept, as runc
// does, unless that would silently not be what was asked: a locked flag
// asked to be cleared, or another atime mode than the locked one.
func remount(target string, set, clear uintptr) error {
	err := mount("", target, "", unix.MS_BIND|unix.MS_REMOUNT|set, "")
	if !errors.Is(err, unix.EPERM) {
		return err
	}
	src := mountFlags(target)
	if locked := src & clear & lockFlags; locked != 0 {
		return fmt.Errorf("cannot clear locked flags %#x: %w", locked, err)
	}
	if set&atimeFlags != 0 && set&atimeFlags != src&atimeFlags {
		return fmt.Errorf("cannot change the locked atime flags (%#x): %w", src&atimeFlags, err)
	}
	return mount("", target, "", unix.MS_BIND|unix.MS_REMOUNT|set|src&lockFlags, "")
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
	if op.FSType == "proc" || op.FSType == "sysfs" {
		if err := ordinaryDir(root, op.Target, op.FSType); err != nil {
			return err
		}
	}
	var under *os.File
	var err error
	_, existed, _ := existsInRoot(root, op.Target)
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
	data := op.Data
	if fstype == "tmpfs" && existed {
		// the tmpfs takes the directory's mode, as runc gives it; a mode=
		// in the options comes later and wins
		data = tmpfsMode(under, data)
	}
	err = mount(op.Source, fdPath(under), fstype, op.Flags, data)
	if errors.Is(err, unix.EPERM) && op.FSType == "sysfs" {
		// sysfs cannot be mounted without owning the network namespace
		// (rootless, or a shared host netns): show the host's instead.
		err = mount("/sys", fdPath(under), "", unix.MS_BIND|unix.MS_REC, "")
	}
	if err != nil {
		return &MountError{Op: "mount", Source: op.Source, Target: op.Target, FSType: op.FSType, Flags: op.Flags, Data: op.Data, Err: err}
	}
	if !op.needsAfterMount() && !op.TmpCopyUp {
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
		// (a trailing slash: the walk must follow the handle's magic link)
		if err := fileutils.CopyDirectory(fdPath(under)+"/", fdPath(top)+"/"); err != nil {
			return fmt.Errorf("tmpcopyup %s: %w", op.Target, err)
		}
	}
	return afterMount(top, op)
}

// afterMount applies flags that need the mount to exist first.
func afterMount(top *os.File, op Op) error {
	if op.Remount != 0 || op.ClearFlags != 0 {
		if err := remount(fdPath(top), op.Remount, op.ClearFlags); err != nil {
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
		err := unix.MountSetattr(int(top.Fd()), "", unix.AT_EMPTY_PATH|unix.AT_RECURSIVE, attr)
		if err != nil {
			return &MountError{Op: "mount_setattr", Target: op.Target, Err: err}
		}
	}
	return nil
}

// needsAfterMount: flags, propagation or attributes follow the mount.
func (op Op) needsAfterMount() bool {
	return op.Remount != 0 || op.ClearFlags != 0 || len(op.Propagation) > 0 || op.AttrSet|op.AttrClr != 0
}

// tmpfsMode puts the mode of dir first in a tmpfs's data.
func tmpfsMode(dir *os.File, data string) string {
	var st unix.Stat_t
	if unix.Fstat(int(dir.Fd()), &st) != nil {
		return data
	}
	mode := fmt.Sprintf("mode=%04o", st.Mode&0o7777)
	if data == "" {
		return mode
	}
	return mode + "," + data
}

// existsInRoot says whether target exists inside root.
func existsInRoot(root *os.File, target string) (*os.File, bool, error) {
	f, ok, err := openExisting(root, target)
	if f != nil {
		f.Close()
	}
	return nil, ok, err
}

// ordinaryDir refuses to mount procfs or sysfs on a target that is a
// symlink or not a directory (as runc refuses): a rootfs whose /proc
// points elsewhere would get the masks and read-only paths applied to
// the wrong place, and its real /proc left bare. A missing target is
// made as a directory.
func ordinaryDir(root *os.File, target, fstype string) error {
	f, err := inRoot(root, target, unix.O_NOFOLLOW)
	if errors.Is(err, unix.ENOENT) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	var st unix.Stat_t
	if err := unix.Fstat(int(f.Fd()), &st); err != nil {
		return &os.PathError{Op: "stat", Path: target, Err: err}
	}
	if st.Mode&unix.S_IFMT != unix.S_IFDIR {
		what := "not a directory"
		if st.Mode&unix.S_IFMT == unix.S_IFLNK {
			what = "a symlink"
		}
		return fmt.Errorf("%s must be mounted on an ordinary directory: %s in the rootfs is %s", fstype, target, what)
	}
	return nil
}

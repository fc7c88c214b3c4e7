package rootfs

import (
	"errors"
	"fmt"
	"os"
	"path"

	"golang.org/x/sys/unix"
)

// ApplyOpts says how to carry out a plan.
type ApplyOpts struct {
	// InUserNS: device nodes are bind-mounted from the host, not made.
	InUserNS bool
	// WaitCgroup, if set, is called once before the first op that needs
	// the container's cgroup to exist.
	WaitCgroup func() error
	// MountFiles are the runtime's detached idmapped trees (Op.IDMap.File).
	MountFiles []*os.File
	// maskDir is the read-only tmpfs the first masked directory got; the
	// others get binds of it, one tmpfs for all (as runc masks them)
	maskDir *os.File
}

// Apply carries out ops with rootfs as the container's "/". It runs in
// the container's mount namespace, before pivot_root.
func Apply(rootfs string, ops []Op, o ApplyOpts) error {
	root, err := os.OpenFile(rootfs, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer root.Close()
	defer func() {
		if o.maskDir != nil {
			o.maskDir.Close()
		}
	}()
	for _, op := range ops {
		if op.Cgroup && o.WaitCgroup != nil {
			if err := o.WaitCgroup(); err != nil {
				return err
			}
			o.WaitCgroup = nil
		}
		if err := applyOne(root, op, &o); err != nil {
			if op.Field != "" {
				return fmt.Errorf("%s: %w", op.Field, err)
			}
			return err
		}
	}
	return nil
}

func applyOne(root *os.File, op Op, o *ApplyOpts) error {
	switch op.Kind {
	case OpMount:
		if op.IDMap != nil {
			return attachIDMapped(root, op, o.MountFiles)
		}
		return mountOp(root, op)
	case OpRemount:
		return withExisting(root, op.Target, func(f *os.File) error {
			if err := remount(fdPath(f), op.Flags, 0); err != nil {
				return &MountError{Op: "remount", Target: op.Target, Flags: op.Flags, Err: err}
			}
			return nil
		})
	case OpDevice:
		return deviceOp(root, op, o.InUserNS)
	case OpSymlink:
		return symlinkOp(root, op)
	case OpMask:
		return maskOp(root, op, o)
	case OpReadonly:
		return readonlyOp(root, op)
	case OpPropagate:
		return withExisting(root, op.Target, func(f *os.File) error {
			if err := mount("", fdPath(f), "", op.Flags, ""); err != nil {
				return &MountError{Op: "set propagation of", Target: op.Target, Err: err}
			}
			return nil
		})
	}
	return fmt.Errorf("unknown rootfs op %d", op.Kind)
}

// withExisting runs fn on target if it exists; a missing path is skipped,
// as runc skips masked or read-only paths the image does not have.
func withExisting(root *os.File, target string, fn func(*os.File) error) error {
	f, ok, err := openExisting(root, target)
	if err != nil || !ok {
		return err
	}
	defer f.Close()
	return fn(f)
}

func symlinkOp(root *os.File, op Op) error {
	dir, err := openParent(root, op.Target)
	if err != nil {
		return err
	}
	defer dir.Close()
	name := path.Base(op.Target)
	if op.Target == "/dev/ptmx" {
		// the image's own /dev/ptmx would be the host's pty multiplexer
		_ = unix.Unlinkat(int(dir.Fd()), name, 0)
	}
	err = unix.Symlinkat(op.LinkTo, int(dir.Fd()), name)
	if err != nil && !errors.Is(err, unix.EEXIST) {
		return &os.LinkError{Op: "symlink", Old: op.LinkTo, New: op.Target, Err: err}
	}
	return nil
}

func maskOp(root *os.File, op Op, o *ApplyOpts) error {
	return withExisting(root, op.Target, func(f *os.File) error {
		var st unix.Stat_t
		if err := unix.Fstat(int(f.Fd()), &st); err != nil {
			return &os.PathError{Op: "stat", Path: op.Target, Err: err}
		}
		var err error
		if st.Mode&unix.S_IFMT == unix.S_IFDIR {
			err = maskDir(root, op.Target, f, o)
		} else {
			err = maskWithNull(root, f)
		}
		if err != nil {
			return &MountError{Op: "mask", Target: op.Target, Err: err}
		}
		return nil
	})
}

// maskDir covers directory f (target) with an empty read-only tmpfs: the
// first one masked gets a new tmpfs, the others a bind of it.
func maskDir(root *os.File, target string, f *os.File, o *ApplyOpts) error {
	if o.maskDir != nil {
		return mount(fdPath(o.maskDir), fdPath(f), "", unix.MS_BIND, "")
	}
	if err := mount("tmpfs", fdPath(f), "tmpfs", unix.MS_RDONLY, "size=0k"); err != nil {
		return err
	}
	top, ok, err := openExisting(root, target)
	if err == nil && ok {
		o.maskDir = top
	}
	return nil
}

// maskWithNull binds the container's /dev/null over f, after checking
// that /dev/null really is the null device (CVE-2025-31133): a symlink,
// file or other device planted there would otherwise be bound, writable,
// over the masked path. The last component is not followed, so a symlink
// is named as such; the check and the bind use the same handle.
func maskWithNull(root *os.File, f *os.File) error {
	null, err := inRoot(root, "/dev/null", unix.O_NOFOLLOW)
	if err != nil {
		return err
	}
	defer null.Close()
	var st unix.Stat_t
	if err := unix.Fstat(int(null.Fd()), &st); err != nil {
		return err
	}
	if err := isNullDevice(&st); err != nil {
		return err
	}
	return mount(fdPath(null), fdPath(f), "", unix.MS_BIND, "")
}

func isNullDevice(st *unix.Stat_t) error {
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFCHR:
		if unix.Major(st.Rdev) == 1 && unix.Minor(st.Rdev) == 3 {
			return nil
		}
		return fmt.Errorf("/dev/null is not the null device (it is device %d:%d)", unix.Major(st.Rdev), unix.Minor(st.Rdev))
	case unix.S_IFLNK:
		return errors.New("/dev/null is not the null device (it is a symlink)")
	case unix.S_IFREG:
		return errors.New("/dev/null is not the null device (it is a regular file)")
	}
	return fmt.Errorf("/dev/null is not the null device (file type %#o)", st.Mode&unix.S_IFMT)
}

func readonlyOp(root *os.File, op Op) error {
	return withExisting(root, op.Target, func(f *os.File) error {
		if err := mount(fdPath(f), fdPath(f), "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
			return &MountError{Op: "bind", Target: op.Target, Err: err}
		}
		return withExisting(root, op.Target, func(top *os.File) error {
			if err := remount(fdPath(top), unix.MS_RDONLY|unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, 0); err != nil {
				return &MountError{Op: "remount read-only", Target: op.Target, Err: err}
			}
			return nil
		})
	})
}

// MkdirAll creates dir (a container path) inside rootfs, as runc does for
// a process.cwd the image lacks.
func MkdirAll(rootfs, dir string) error {
	root, err := os.OpenFile(rootfs, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer root.Close()
	f, err := openDir(root, dir)
	if err != nil {
		return err
	}
	return f.Close()
}

// BindConsole makes /dev/console the container's pty (after pivot_root).
// The bind's source is the slave's own handle, and a symlink at
// /dev/console (an image's /dev, not a tmpfs) is refused rather than
// followed: either could otherwise put the pty over, or a procfs file
// under, /dev/console before masked and read-only paths are applied
// (CVE-2025-52565).
func BindConsole(slave *os.File) error {
	if err := checkFdPaths(); err != nil {
		return err
	}
	root, err := os.OpenFile("/", unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer root.Close()
	f, err := inRoot(root, "/dev/console", unix.O_NOFOLLOW)
	if errors.Is(err, unix.ENOENT) {
		f, err = openFile(root, "/dev/console")
	}
	if err != nil {
		return err
	}
	defer f.Close()
	var st unix.Stat_t
	if err := unix.Fstat(int(f.Fd()), &st); err != nil {
		return &os.PathError{Op: "stat", Path: "/dev/console", Err: err}
	}
	if st.Mode&unix.S_IFMT == unix.S_IFLNK {
		return errors.New("/dev/console is a symlink: refusing to bind the console over its target")
	}
	if err := mount(fdPath(slave), fdPath(f), "", unix.MS_BIND, ""); err != nil {
		return &MountError{Op: "bind", Source: slave.Name(), Target: "/dev/console", Err: err}
	}
	return nil
}

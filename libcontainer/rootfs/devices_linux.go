package rootfs

import (
	"errors"
	"fmt"
	"os"
	"path"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

func deviceMode(d *specs.LinuxDevice) (uint32, error) {
	var t uint32
	switch d.Type {
	case "c", "u":
		t = unix.S_IFCHR
	case "b":
		t = unix.S_IFBLK
	case "p":
		t = unix.S_IFIFO
	default:
		return 0, fmt.Errorf("device %s: unknown type %q", d.Path, d.Type)
	}
	perm := uint32(0o666)
	if d.FileMode != nil {
		perm = uint32(*d.FileMode) & 0o7777
	}
	return t | perm, nil
}

// deviceOp makes a device node; in a user namespace, where mknod is not
// allowed, it binds the host's node instead.
func deviceOp(root *os.File, op Op, inUserNS bool) error {
	d := op.Device
	if inUserNS {
		f, err := deviceMountPoint(root, op.Target)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := mount(d.Path, fdPath(f), "", unix.MS_BIND, ""); err != nil {
			return &MountError{Op: "bind device", Source: d.Path, Target: op.Target, Err: err}
		}
		return nil
	}
	mode, err := deviceMode(d)
	if err != nil {
		return err
	}
	dir, err := openParent(root, op.Target)
	if err != nil {
		return err
	}
	defer dir.Close()
	name := path.Base(op.Target)
	dev := int(unix.Mkdev(uint32(d.Major), uint32(d.Minor)))
	err = unix.Mknodat(int(dir.Fd()), name, mode, dev)
	if errors.Is(err, unix.EEXIST) {
		// replace what the image had there (e.g. a plain file)
		if err = unix.Unlinkat(int(dir.Fd()), name, 0); err == nil {
			err = unix.Mknodat(int(dir.Fd()), name, mode, dev)
		}
	}
	if err != nil {
		return &os.PathError{Op: "mknod", Path: op.Target, Err: err}
	}
	uid, gid := 0, 0
	if d.UID != nil {
		uid = int(*d.UID)
	}
	if d.GID != nil {
		gid = int(*d.GID)
	}
	if err := unix.Fchownat(int(dir.Fd()), name, uid, gid, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return &os.PathError{Op: "chown", Path: op.Target, Err: err}
	}
	// mknod is subject to the umask; set the exact mode asked for
	if err := unix.Fchmodat(int(dir.Fd()), name, mode&0o7777, 0); err != nil {
		return &os.PathError{Op: "chmod", Path: op.Target, Err: err}
	}
	return nil
}

// deviceMountPoint is the file a host device is bound on in a user
// namespace. A symlink the image has there is replaced, not followed, as
// mknod replaces it outside one: followed, the bind would cover whatever
// it points to inside the container, such as a procfs file
// (CVE-2025-52565).
func deviceMountPoint(root *os.File, target string) (*os.File, error) {
	dir, err := openParent(root, target)
	if err != nil {
		return nil, err
	}
	defer dir.Close()
	name := path.Base(target)
	var st unix.Stat_t
	if unix.Fstatat(int(dir.Fd()), name, &st, unix.AT_SYMLINK_NOFOLLOW) == nil && st.Mode&unix.S_IFMT == unix.S_IFLNK {
		if err := unix.Unlinkat(int(dir.Fd()), name, 0); err != nil {
			return nil, &os.PathError{Op: "remove symlink", Path: target, Err: err}
		}
	}
	fd, err := unix.Openat(int(dir.Fd()), name, unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_RDONLY|unix.O_CLOEXEC, 0o644)
	if err == nil {
		unix.Close(fd)
	} else if err != unix.EEXIST {
		return nil, &os.PathError{Op: "create", Path: target, Err: err}
	}
	// O_PATH: an existing node is not opened as the device it is
	fd, err = unix.Openat(int(dir.Fd()), name, unix.O_PATH|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err == nil && unix.Fstat(fd, &st) == nil && st.Mode&unix.S_IFMT == unix.S_IFLNK {
		unix.Close(fd)
		err = unix.ELOOP
	}
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: target, Err: err}
	}
	return os.NewFile(uintptr(fd), target), nil
}

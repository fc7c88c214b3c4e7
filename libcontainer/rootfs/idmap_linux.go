package rootfs

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// attachIDMapped puts the runtime's idmapped clone of op.Source on
// op.Target, resolved inside root, in the place of the bind mount; the
// bind's other flags and propagation follow as for any bind.
func attachIDMapped(root *os.File, op Op, files []*os.File) error {
	i := op.IDMap.File
	if i < 0 || i >= len(files) || files[i] == nil {
		return fmt.Errorf("idmapped mount %s on %s: the runtime sent no mount for it", op.Source, op.Target)
	}
	tree := files[i]
	var st unix.Stat_t
	if err := unix.Fstat(int(tree.Fd()), &st); err != nil {
		return &MountError{Op: "stat idmapped mount", Source: op.Source, Target: op.Target, Err: err}
	}
	var under *os.File
	var err error
	if st.Mode&unix.S_IFMT == unix.S_IFDIR {
		under, err = openDir(root, op.Target)
	} else {
		under, err = openFile(root, op.Target)
	}
	if err != nil {
		return err
	}
	defer under.Close()
	err = unix.MoveMount(int(tree.Fd()), "", int(under.Fd()), "", unix.MOVE_MOUNT_F_EMPTY_PATH|unix.MOVE_MOUNT_T_EMPTY_PATH)
	if err != nil {
		return &MountError{Op: "attach idmapped mount", Source: op.Source, Target: op.Target, Err: err}
	}
	if !op.needsAfterMount() {
		return nil
	}
	top, ok, err := openExisting(root, op.Target)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("mount on %s vanished", op.Target)
	}
	defer top.Close()
	return afterMount(top, op)
}

package initproc

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// procRootIno is the inode number of every procfs instance's root.
const procRootIno = 1

// openProc opens name (relative to /proc, e.g. "sys/kernel/shmmax" or
// "self/oom_score_adj") through a private, non-recursive clone of the
// container's /proc mount (CVE-2025-52881). Anything config.json mounted
// over files under /proc is left out of the clone, so a bind of another
// procfs file or a plain file cannot receive the write; a /proc that is
// not the root of a procfs is refused.
func openProc(name string, flags int) (*os.File, error) {
	tree, err := unix.OpenTree(unix.AT_FDCWD, "/proc", unix.OPEN_TREE_CLONE|unix.OPEN_TREE_CLOEXEC)
	if err != nil {
		return nil, os.NewSyscallError("open_tree /proc", err)
	}
	defer unix.Close(tree)
	var st unix.Stat_t
	if err := unix.Fstat(tree, &st); err != nil {
		return nil, os.NewSyscallError("fstat /proc", err)
	}
	if !onProcfs(tree) || st.Ino != procRootIno {
		return nil, errors.New("/proc is not the root of a procfs mount: refusing to write to it")
	}
	how := &unix.OpenHow{Flags: uint64(flags) | unix.O_CLOEXEC | unix.O_NOCTTY,
		Resolve: unix.RESOLVE_BENEATH | unix.RESOLVE_NO_MAGICLINKS | unix.RESOLVE_NO_XDEV}
	fd, err := unix.Openat2(tree, name, how)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: "/proc/" + name, Err: err}
	}
	if !onProcfs(fd) {
		unix.Close(fd)
		return nil, fmt.Errorf("/proc/%s is not on procfs", name)
	}
	return os.NewFile(uintptr(fd), "/proc/"+name), nil
}

func onProcfs(fd int) bool {
	var st unix.Statfs_t
	return unix.Fstatfs(fd, &st) == nil && st.Type == unix.PROC_SUPER_MAGIC
}

// writeProc writes value to the procfs file name (see openProc).
func writeProc(name, value string) error {
	f, err := openProc(name, unix.O_WRONLY)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = f.WriteString(value)
	return err
}

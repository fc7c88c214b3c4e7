package libcontainer

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"syscall"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"myrunc/libcontainer/rootfs"
)

// idmappedMounts makes the idmapped trees the plan asks for: for each op
// with an IDMap, a detached clone of its source (open_tree) with the
// mapping applied (mount_setattr MOUNT_ATTR_IDMAP). This needs
// CAP_SYS_ADMIN over the source's filesystem, i.e. the host's, which the
// init inside its user namespace lacks; it only attaches them. Each op
// learns the index of its tree in files, which go to the init with the
// Config. On error nothing is left open.
func idmappedMounts(plan *rootfs.Plan, initPid int) (files []*os.File, err error) {
	nss := &mountUserNS{own: map[string]*os.File{}}
	defer nss.close()
	defer func() {
		if err != nil {
			closeFiles(files)
			files = nil
		}
	}()
	for i := range plan.Mounts {
		op := &plan.Mounts[i]
		if op.IDMap == nil {
			continue
		}
		if op.IDMap.CloneOnly {
			tree, err := cloneTree(op)
			if err != nil {
				return files, fmt.Errorf("bind mount of %s on %s: %w", op.Source, op.Target, err)
			}
			op.IDMap.File = len(files)
			files = append(files, tree)
			continue
		}
		ns, err := nss.get(op.IDMap, initPid)
		if err != nil {
			return files, fmt.Errorf("idmapped mount of %s on %s: %w", op.Source, op.Target, err)
		}
		tree, err := idmappedTree(op, ns)
		if err != nil {
			return files, fmt.Errorf("idmapped mount of %s on %s: %w", op.Source, op.Target, err)
		}
		op.IDMap.File = len(files)
		files = append(files, tree)
	}
	return files, nil
}

// cloneTree clones op.Source, with its submounts for an rbind, as a
// detached mount the init attaches.
func cloneTree(op *rootfs.Op) (*os.File, error) {
	flags := unix.OPEN_TREE_CLONE | unix.OPEN_TREE_CLOEXEC
	if op.Flags&unix.MS_REC != 0 {
		flags |= unix.AT_RECURSIVE
	}
	fd, err := unix.OpenTree(unix.AT_FDCWD, op.Source, uint(flags))
	if err != nil {
		return nil, explainIDMapErr("open_tree", err, "", false)
	}
	return os.NewFile(uintptr(fd), "clone:"+op.Source), nil
}

// idmappedTree clones op.Source (with its submounts for an rbind) and
// applies the mapping of the user namespace ns to the clone (to its
// submounts too for ridmap).
func idmappedTree(op *rootfs.Op, ns *os.File) (*os.File, error) {
	tree, err := cloneTree(op)
	if err != nil {
		return nil, err
	}
	fd := int(tree.Fd())
	attr := &unix.MountAttr{Attr_set: unix.MOUNT_ATTR_IDMAP, Userns_fd: uint64(ns.Fd())}
	at := unix.AT_EMPTY_PATH
	if op.IDMap.Recursive {
		at |= unix.AT_RECURSIVE
	}
	if err := unix.MountSetattr(fd, "", uint(at), attr); err != nil {
		fsName := fsTypeName(fd)
		tree.Close()
		return nil, explainIDMapErr("mount_setattr", err, fsName, op.IDMap.Recursive)
	}
	return tree, nil
}

// explainIDMapErr says why the kernel refused, in a user's words.
func explainIDMapErr(call string, err error, fsName string, recursive bool) error {
	why := ""
	switch {
	case errors.Is(err, unix.ENOSYS):
		why = "the kernel has no idmapped mounts (they need Linux 5.12 or later)"
	case errors.Is(err, unix.EINVAL) && call == "mount_setattr":
		why = "the filesystem (" + fsName + ") does not support idmapped mounts"
		if fsName == "" {
			why = "the filesystem does not support idmapped mounts"
		}
		if recursive {
			why += ", or one of its submounts does not (ridmap)"
		}
	case errors.Is(err, unix.EPERM):
		why = "not permitted: idmapping a mount needs CAP_SYS_ADMIN in the user namespace owning its filesystem (the host's)"
		if os.Geteuid() != 0 {
			why += ", which a rootless runtime lacks"
		}
	default:
		return fmt.Errorf("%s: %w", call, err)
	}
	return fmt.Errorf("%s (%s: %w)", why, call, err)
}

// fsTypeName names the filesystem of fd for an error; "" if unknown.
func fsTypeName(fd int) string {
	var st unix.Statfs_t
	if unix.Fstatfs(fd, &st) != nil {
		return ""
	}
	names := map[int64]string{
		unix.PROC_SUPER_MAGIC: "proc", unix.SYSFS_MAGIC: "sysfs", unix.CGROUP_SUPER_MAGIC: "cgroup",
		unix.CGROUP2_SUPER_MAGIC: "cgroup2", unix.TMPFS_MAGIC: "tmpfs", unix.EXT4_SUPER_MAGIC: "ext4",
		unix.XFS_SUPER_MAGIC: "xfs", unix.BTRFS_SUPER_MAGIC: "btrfs", unix.OVERLAYFS_SUPER_MAGIC: "overlay",
		unix.NFS_SUPER_MAGIC: "nfs", unix.FUSE_SUPER_MAGIC: "fuse", unix.DEVPTS_SUPER_MAGIC: "devpts",
		unix.SQUASHFS_MAGIC: "squashfs",
	}
	if n, ok := names[int64(st.Type)]; ok {
		return n
	}
	return "type 0x" + strconv.FormatInt(int64(st.Type), 16)
}

// mountUserNS hands out the user namespaces whose mappings idmap mounts:
// the container's own, and one per distinct set of mount mappings.
type mountUserNS struct {
	container *os.File
	own       map[string]*os.File
}

func (m *mountUserNS) get(idm *rootfs.IDMap, initPid int) (*os.File, error) {
	if idm.ContainerUserNS {
		if m.container == nil {
			// the maps are written: Go's exec writes them before the
			// init's execve, and create runs this after the spawn
			f, err := os.Open("/proc/" + strconv.Itoa(initPid) + "/ns/user")
			if err != nil {
				return nil, fmt.Errorf("the container's user namespace: %w", err)
			}
			m.container = f
		}
		return m.container, nil
	}
	key := fmt.Sprint(idm.UIDMappings, idm.GIDMappings)
	if f, ok := m.own[key]; ok {
		return f, nil
	}
	f, err := mappedUserNS(idm.UIDMappings, idm.GIDMappings)
	if err != nil {
		return nil, fmt.Errorf("a user namespace with the mount's mappings: %w", err)
	}
	m.own[key] = f
	return f, nil
}

func (m *mountUserNS) close() {
	if m.container != nil {
		m.container.Close()
	}
	for _, f := range m.own {
		f.Close()
	}
}

// mappedUserNS makes a user namespace holding the given maps and returns
// a handle to it, which keeps it alive. Its one process never runs a
// single instruction of its own: traced, it stops at its execve, and is
// killed and reaped once the handle is open.
func mappedUserNS(uid, gid []specs.LinuxIDMapping) (*os.File, error) {
	// the tracer is the thread that started the process
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	p, err := os.StartProcess("/proc/self/exe", []string{"myrunc-userns-holder"}, &os.ProcAttr{
		Sys: &syscall.SysProcAttr{Cloneflags: unix.CLONE_NEWUSER, Ptrace: true, Pdeathsig: syscall.SIGKILL,
			UidMappings: idMaps(uid), GidMappings: idMaps(gid)},
	})
	if err != nil {
		return nil, err
	}
	defer reapStopped(p)
	return os.Open("/proc/" + strconv.Itoa(p.Pid) + "/ns/user")
}

// reapStopped kills and reaps a traced child: a plain Wait could return on
// its trace stop and leave a zombie.
func reapStopped(p *os.Process) {
	unix.Kill(p.Pid, unix.SIGKILL)
	for {
		var ws unix.WaitStatus
		_, err := unix.Wait4(p.Pid, &ws, unix.WALL, nil)
		if err == unix.EINTR {
			continue
		}
		if err != nil || ws.Exited() || ws.Signaled() {
			break
		}
	}
	p.Release()
}

func closeFiles(files []*os.File) {
	for _, f := range files {
		f.Close()
	}
}

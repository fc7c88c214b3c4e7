package libcontainer

import (
	"os"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// The throwaway user namespace outlives its process, which is reaped: no
// child, not even a zombie, is left.
func TestMappedUserNSLeavesNoProcess(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to write arbitrary id maps")
	}
	m := []specs.LinuxIDMapping{{ContainerID: 0, HostID: 123000, Size: 1000}}
	f, err := mappedUserNS(m, m)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var ours, got unix.Stat_t
	if err := unix.Stat("/proc/self/ns/user", &ours); err != nil {
		t.Fatal(err)
	}
	if err := unix.Fstat(int(f.Fd()), &got); err != nil {
		t.Fatal(err)
	}
	if got.Ino == ours.Ino {
		t.Fatal("got our own user namespace")
	}
	// the namespace is a child of ours
	parent, err := unix.IoctlRetInt(int(f.Fd()), unix.NS_GET_PARENT)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(parent)
	var ws unix.WaitStatus
	if pid, err := unix.Wait4(-1, &ws, unix.WNOHANG|unix.WALL, nil); err != unix.ECHILD {
		t.Fatalf("a child is left: pid %d, %v", pid, err)
	}
}

func TestExplainIDMapErr(t *testing.T) {
	for _, tc := range []struct {
		call string
		err  error
		fs   string
		rec  bool
		want string
	}{
		{"mount_setattr", unix.EINVAL, "proc", false, "the filesystem (proc) does not support idmapped mounts (mount_setattr: invalid argument)"},
		{"mount_setattr", unix.EINVAL, "ext4", true, "or one of its submounts does not (ridmap)"},
		{"open_tree", unix.ENOSYS, "", false, "Linux 5.12"},
		{"mount_setattr", unix.EPERM, "", false, "needs CAP_SYS_ADMIN"},
		{"open_tree", unix.ENOENT, "", false, "open_tree: no such file or directory"},
	} {
		got := explainIDMapErr(tc.call, tc.err, tc.fs, tc.rec).Error()
		if !strings.Contains(got, tc.want) {
			t.Errorf("%s %v: %q, want %q in it", tc.call, tc.err, got, tc.want)
		}
	}
}

package cgroups

import (
	"errors"
	"slices"
	"testing"

	"github.com/containerd/cgroups/v3/cgroup1"
	"github.com/moby/sys/mountinfo"
)

func TestKeepMountedDropsPlainDirectories(t *testing.T) {
	root := "/sys/fs/cgroup"
	subs := []cgroup1.Subsystem{
		cgroup1.NewPids(root), cgroup1.NewCpu(root), cgroup1.NewCpuacct(root),
		cgroup1.NewNetCls(root), cgroup1.NewNamed(root, "systemd"), cgroup1.NewFreezer(root),
	}
	mounts := []*mountinfo.Info{
		{Mountpoint: "/sys/fs/cgroup/pids", FSType: "cgroup", VFSOptions: "rw,pids"},
		{Mountpoint: "/sys/fs/cgroup/cpu,cpuacct", FSType: "cgroup", VFSOptions: "rw,cpu,cpuacct"},
		{Mountpoint: "/sys/fs/cgroup/systemd", FSType: "cgroup", VFSOptions: "rw,xattr,name=systemd"},
		// freezer's directory holds another hierarchy
		{Mountpoint: "/sys/fs/cgroup/freezer", FSType: "cgroup", VFSOptions: "rw,devices"},
	}
	resolve := func(p string) (string, error) {
		switch p {
		case "/sys/fs/cgroup/cpu", "/sys/fs/cgroup/cpuacct":
			return "/sys/fs/cgroup/cpu,cpuacct", nil
		case "/sys/fs/cgroup/missing":
			return "", errors.New("no such file")
		}
		return p, nil
	}
	var got []string
	for _, s := range keepMounted(subs, mounts, resolve) {
		got = append(got, string(s.Name()))
	}
	want := []string{"pids", "cpu", "cpuacct", "systemd"}
	if !slices.Equal(got, want) {
		t.Fatalf("kept %v, want %v (net_cls is a plain directory, freezer's mount carries devices)", got, want)
	}
}

func TestKeepMountedLooksUpOnlyWhatIsNotAMountItself(t *testing.T) {
	root := "/sys/fs/cgroup"
	subs := []cgroup1.Subsystem{cgroup1.NewPids(root), cgroup1.NewCpu(root)}
	mounts := []*mountinfo.Info{
		{Mountpoint: "/sys/fs/cgroup/pids", FSType: "cgroup", VFSOptions: "rw,pids"},
		{Mountpoint: "/sys/fs/cgroup/cpu,cpuacct", FSType: "cgroup", VFSOptions: "rw,cpu,cpuacct"},
	}
	var looked []string
	resolve := func(p string) (string, error) {
		looked = append(looked, p)
		return "/sys/fs/cgroup/cpu,cpuacct", nil
	}
	if got := keepMounted(subs, mounts, resolve); len(got) != 2 {
		t.Fatalf("kept %d subsystems, want pids and cpu", len(got))
	}
	if !slices.Equal(looked, []string{"/sys/fs/cgroup/cpu"}) {
		t.Fatalf("looked up %v, want only the cpu symlink", looked)
	}
}

func TestKnownV1BuildsHugetlbOnlyWhenMounted(t *testing.T) {
	has := func(subs []cgroup1.Subsystem, name string) bool {
		return slices.ContainsFunc(subs, func(s cgroup1.Subsystem) bool { return string(s.Name()) == name })
	}
	plain := []*mountinfo.Info{{Mountpoint: "/sys/fs/cgroup/pids", FSType: "cgroup", VFSOptions: "rw,pids"}}
	if subs := knownV1("/sys/fs/cgroup", plain); has(subs, "hugetlb") || !has(subs, "pids") || !has(subs, "freezer") {
		t.Fatalf("without a hugetlb mount: %d subsystems, hugetlb %v", len(subs), has(subs, "hugetlb"))
	}
}

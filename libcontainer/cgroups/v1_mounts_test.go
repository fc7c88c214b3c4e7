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

package rootfs

import (
	"os"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

func TestParseOptions(t *testing.T) {
	o := ParseOptions([]string{"nosuid", "ro", "rw", "rbind", "rshared", "size=64k", "rro", "tmpcopyup", "mode=755"})
	if o.Flags&unix.MS_RDONLY != 0 {
		t.Error("rw after ro must clear MS_RDONLY")
	}
	if o.Flags&(unix.MS_NOSUID|unix.MS_BIND|unix.MS_REC) != unix.MS_NOSUID|unix.MS_BIND|unix.MS_REC {
		t.Errorf("flags %#x", o.Flags)
	}
	if len(o.Propagation) != 1 || o.Propagation[0] != unix.MS_SHARED|unix.MS_REC {
		t.Errorf("propagation %v", o.Propagation)
	}
	if o.DataString() != "size=64k,mode=755" {
		t.Errorf("data %q", o.DataString())
	}
	if o.AttrSet != unix.MOUNT_ATTR_RDONLY || !o.TmpCopyUp {
		t.Errorf("attr %#x tmpcopyup %v", o.AttrSet, o.TmpCopyUp)
	}
}

func baseSpec() *specs.Spec {
	return &specs.Spec{
		Root: &specs.Root{Path: "/rootfs"},
		Mounts: []specs.Mount{
			{Destination: "/proc", Type: "proc", Source: "proc"},
			{Destination: "/dev", Type: "tmpfs", Source: "tmpfs", Options: []string{"nosuid", "mode=755"}},
			{Destination: "/dev/pts", Type: "devpts", Source: "devpts"},
		},
		Linux: &specs.Linux{},
	}
}

func kinds(ops []Op, k OpKind) []Op {
	var out []Op
	for _, o := range ops {
		if o.Kind == k {
			out = append(out, o)
		}
	}
	return out
}

func TestPlanOwnDevGetsDefaultDevicesAndLinks(t *testing.T) {
	p, err := MakePlan(Input{Spec: baseSpec()})
	if err != nil {
		t.Fatal(err)
	}
	devs := kinds(p.Mounts, OpDevice)
	if len(devs) != len(defaultDevices) {
		t.Fatalf("want %d default devices, got %d", len(defaultDevices), len(devs))
	}
	links := map[string]string{}
	for _, l := range kinds(p.Mounts, OpSymlink) {
		links[l.Target] = l.LinkTo
	}
	if links["/dev/ptmx"] != "pts/ptmx" || links["/dev/fd"] != "/proc/self/fd" || links["/dev/stderr"] != "/proc/self/fd/2" {
		t.Fatalf("links %v", links)
	}
	if _, ok := links["/dev/core"]; ok {
		t.Fatal("/dev/core without /proc/kcore")
	}
}

func TestPlanSpecDeviceOverridesDefault(t *testing.T) {
	s := baseSpec()
	mode := uint32(0o600)
	fm := specsFileMode(mode)
	s.Linux.Devices = []specs.LinuxDevice{{Path: "/dev/null", Type: "c", Major: 1, Minor: 3, FileMode: &fm}}
	p, _ := MakePlan(Input{Spec: s})
	n := 0
	for _, d := range kinds(p.Mounts, OpDevice) {
		if d.Target == "/dev/null" {
			n++
			if *d.Device.FileMode != fm {
				t.Fatal("the spec's /dev/null was not the one kept")
			}
		}
	}
	if n != 1 {
		t.Fatalf("/dev/null planned %d times", n)
	}
}

func TestPlanBindDevMeansNoDefaults(t *testing.T) {
	s := baseSpec()
	s.Mounts[1] = specs.Mount{Destination: "/dev", Type: "bind", Source: "/dev", Options: []string{"rbind"}}
	p, _ := MakePlan(Input{Spec: s})
	if len(kinds(p.Mounts, OpDevice)) != 0 || len(kinds(p.Mounts, OpSymlink)) != 0 {
		t.Fatal("a bind-mounted /dev must not be populated")
	}
}

func TestPlanBindMount(t *testing.T) {
	s := baseSpec()
	s.Mounts = append(s.Mounts, specs.Mount{Destination: "/data", Source: "rel/dir", Options: []string{"bind", "ro", "nosuid"}})
	p, err := MakePlan(Input{Spec: s, Bundle: "/b"})
	if err != nil {
		t.Fatal(err)
	}
	var op Op
	for _, o := range kinds(p.Mounts, OpMount) {
		if o.Target == "/data" {
			op = o
		}
	}
	if op.Source != "/b/rel/dir" || op.FSType != "bind" || op.Flags != unix.MS_BIND {
		t.Fatalf("bind op %+v", op)
	}
	if op.Remount != unix.MS_RDONLY|unix.MS_NOSUID {
		t.Fatalf("ro,nosuid need a remount, got %#x", op.Remount)
	}
}

func TestPlanCgroupV1(t *testing.T) {
	s := baseSpec()
	s.Mounts = append(s.Mounts, specs.Mount{Destination: "/sys/fs/cgroup", Type: "cgroup", Options: []string{"ro", "nosuid"}})
	dirs := []CgroupDir{{Name: "memory", HostPath: "/sys/fs/cgroup/memory/c1"},
		{Name: "cpu,cpuacct", HostPath: "/sys/fs/cgroup/cpu,cpuacct/c1", Links: []string{"cpu", "cpuacct"}}}
	p, _ := MakePlan(Input{Spec: s, Cgroups: dirs})
	var got []string
	for _, o := range p.Mounts {
		if len(o.Target) >= 14 && o.Target[:14] == "/sys/fs/cgroup" {
			got = append(got, o.String())
		}
	}
	want := []string{
		"mount tmpfs on /sys/fs/cgroup (tmpfs)",
		"mount /sys/fs/cgroup/memory/c1 on /sys/fs/cgroup/memory (bind)",
		"mount /sys/fs/cgroup/cpu,cpuacct/c1 on /sys/fs/cgroup/cpu,cpuacct (bind)",
		"symlink /sys/fs/cgroup/cpu -> cpu,cpuacct",
		"symlink /sys/fs/cgroup/cpuacct -> cpu,cpuacct",
		"remount /sys/fs/cgroup",
	}
	if len(got) != len(want) {
		t.Fatalf("got %q", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("op %d: got %q want %q", i, got[i], want[i])
		}
	}
}

func TestPlanCgroupV2IsOneBind(t *testing.T) {
	s := baseSpec()
	s.Mounts = append(s.Mounts, specs.Mount{Destination: "/sys/fs/cgroup", Type: "cgroup2"})
	p, _ := MakePlan(Input{Spec: s, Cgroups: []CgroupDir{{HostPath: "/sys/fs/cgroup/c1"}}})
	last := p.Mounts[3]
	if last.Source != "/sys/fs/cgroup/c1" || last.FSType != "bind" {
		t.Fatalf("%+v", last)
	}
}

func TestPlanFinalOrder(t *testing.T) {
	s := baseSpec()
	s.Root.Readonly = true
	s.Linux.MaskedPaths = []string{"/proc/kcore"}
	s.Linux.ReadonlyPaths = []string{"/proc/sys"}
	s.Linux.RootfsPropagation = "rshared"
	p, _ := MakePlan(Input{Spec: s})
	want := []OpKind{OpRemount, OpMask, OpReadonly, OpPropagate}
	if len(p.Final) != len(want) {
		t.Fatalf("final %v", p.Final)
	}
	for i, k := range want {
		if p.Final[i].Kind != k {
			t.Errorf("final op %d is %v, want kind %d", i, p.Final[i], k)
		}
	}
	if p.Final[3].Flags != unix.MS_SHARED|unix.MS_REC {
		t.Error("rshared not mapped")
	}
}

func TestPropagationFlag(t *testing.T) {
	if f, ok := PropagationFlag(""); !ok || f != 0 {
		t.Error("empty")
	}
	if _, ok := PropagationFlag("bogus"); ok {
		t.Error("bogus accepted")
	}
}

type fileMode = os.FileMode

func specsFileMode(m uint32) fileMode { return fileMode(m) }

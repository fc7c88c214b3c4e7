package rootfs

import (
	"errors"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

var (
	ctrMap  = []specs.LinuxIDMapping{{ContainerID: 0, HostID: 100000, Size: 65536}}
	ownMap  = []specs.LinuxIDMapping{{ContainerID: 0, HostID: 200000, Size: 1000}}
	userNew = specs.LinuxNamespace{Type: specs.UserNamespace}
)

// idmapPlan plans one mount in a container with or without a user
// namespace and returns the op for its destination.
func idmapPlan(t *testing.T, userns *specs.LinuxNamespace, m specs.Mount) (*Op, error) {
	t.Helper()
	s := &specs.Spec{Root: &specs.Root{Path: "/rootfs"}, Mounts: []specs.Mount{m}, Linux: &specs.Linux{}}
	if userns != nil {
		s.Linux.Namespaces = []specs.LinuxNamespace{*userns}
		if userns.Path == "" {
			s.Linux.UIDMappings, s.Linux.GIDMappings = ctrMap, ctrMap
		}
	}
	p, err := MakePlan(Input{Spec: s, Bundle: "/bundle", InUserNS: userns != nil})
	if err != nil {
		return nil, err
	}
	for i := range p.Mounts {
		if p.Mounts[i].Target == m.Destination {
			return &p.Mounts[i], nil
		}
	}
	t.Fatalf("no op for %s", m.Destination)
	return nil, nil
}

func bindMount(opts ...string) specs.Mount {
	return specs.Mount{Destination: "/mnt", Type: "bind", Source: "/src", Options: opts}
}

// withMaps is m with the mount's own uid and gid mappings.
func withMaps(m specs.Mount, uid, gid []specs.LinuxIDMapping) specs.Mount {
	m.UIDMappings, m.GIDMappings = uid, gid
	return m
}

func TestIDMapOptionsAreNotFilesystemData(t *testing.T) {
	o := ParseOptions([]string{"rbind", "idmap", "ridmap"})
	if !o.IDMap || !o.RecursiveIDMap || len(o.Data) != 0 {
		t.Fatalf("%+v", o)
	}
}

func TestPlanIDMapDecisions(t *testing.T) {
	joined := specs.LinuxNamespace{Type: specs.UserNamespace, Path: "/proc/1/ns/user"}
	for _, tc := range []struct {
		name   string
		userns *specs.LinuxNamespace
		m      specs.Mount
		want   *IDMap
		rec    bool // the tree is cloned with its submounts (rbind)
	}{
		{"plain bind", &userNew, bindMount("bind"), nil, false},
		{"idmap: the container's mapping", &userNew, bindMount("bind", "idmap"), &IDMap{ContainerUserNS: true}, false},
		{"idmap in a joined user namespace", &joined, bindMount("bind", "idmap"), &IDMap{ContainerUserNS: true}, false},
		{"ridmap on rbind", &userNew, bindMount("rbind", "ridmap"), &IDMap{ContainerUserNS: true, Recursive: true}, true},
		{"idmap on rbind maps only the top", &userNew, bindMount("rbind", "idmap"), &IDMap{ContainerUserNS: true}, true},
		{"own mappings", &userNew, withMaps(bindMount("bind", "idmap"), ownMap, ownMap),
			&IDMap{UIDMappings: ownMap, GIDMappings: ownMap}, false},
		{"own mappings without a user namespace", nil, withMaps(bindMount("bind", "idmap"), ownMap, ownMap),
			&IDMap{UIDMappings: ownMap, GIDMappings: ownMap}, false},
		{"mappings without the option still apply", nil, withMaps(bindMount("bind"), ownMap, ownMap),
			&IDMap{UIDMappings: ownMap, GIDMappings: ownMap}, false},
		{"mappings equal to the container's use its namespace", &userNew, withMaps(bindMount("bind", "idmap"), ctrMap, ctrMap),
			&IDMap{ContainerUserNS: true}, false},
		{"uid equal, gid not: a namespace of its own", &userNew, withMaps(bindMount("bind", "idmap"), ctrMap, ownMap),
			&IDMap{UIDMappings: ctrMap, GIDMappings: ownMap}, false},
		{"bind by option, no type", &userNew, specs.Mount{Destination: "/mnt", Source: "/src", Options: []string{"rbind", "ridmap"}},
			&IDMap{ContainerUserNS: true, Recursive: true}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			op, err := idmapPlan(t, tc.userns, tc.m)
			if err != nil {
				t.Fatal(err)
			}
			if (op.IDMap == nil) != (tc.want == nil) {
				t.Fatalf("IDMap = %+v, want %+v", op.IDMap, tc.want)
			}
			if tc.want != nil {
				got := *op.IDMap
				if got.ContainerUserNS != tc.want.ContainerUserNS || got.Recursive != tc.want.Recursive ||
					!equalMaps(got.UIDMappings, tc.want.UIDMappings) || !equalMaps(got.GIDMappings, tc.want.GIDMappings) {
					t.Fatalf("IDMap = %+v, want %+v", got, *tc.want)
				}
			}
			if (op.Flags&unix.MS_REC != 0) != tc.rec || op.FSType != "bind" {
				t.Fatalf("flags %#x type %s", op.Flags, op.FSType)
			}
		})
	}
}

func equalMaps(a, b []specs.LinuxIDMapping) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// The rules are spec.Validate's (spec/idmap_test.go); a plan of an
// unvalidated spec that breaks them fails rather than mount unmapped.
func TestPlanIDMapUncheckedCombinations(t *testing.T) {
	tmpfs := specs.Mount{Destination: "/mnt", Type: "tmpfs", Source: "tmpfs"}
	withOpts := func(m specs.Mount, opts ...string) specs.Mount { m.Options = opts; return m }
	for _, tc := range []struct {
		name   string
		userns *specs.LinuxNamespace
		m      specs.Mount
	}{
		{"idmap without mappings or user namespace", nil, bindMount("bind", "idmap")},
		{"idmap on tmpfs", &userNew, withOpts(tmpfs, "idmap")},
		{"mappings on tmpfs", &userNew, withMaps(tmpfs, ownMap, ownMap)},
		{"idmap on cgroup", &userNew, specs.Mount{Destination: "/sys/fs/cgroup", Type: "cgroup", Source: "cgroup", Options: []string{"ridmap"}}},
		{"uid without gid", &userNew, withMaps(bindMount("bind", "idmap"), ownMap, nil)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := idmapPlan(t, tc.userns, tc.m); !errors.Is(err, errIDMapUnchecked) {
				t.Fatalf("error %v", err)
			}
		})
	}
}

package libcontainer

import (
	"reflect"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func TestNeedsMapHelpers(t *testing.T) {
	own := []specs.LinuxIDMapping{{ContainerID: 0, HostID: 1000, Size: 1}}
	ownGid := []specs.LinuxIDMapping{{ContainerID: 0, HostID: 100, Size: 1}}
	ranges := []specs.LinuxIDMapping{{ContainerID: 0, HostID: 1000, Size: 1}, {ContainerID: 1, HostID: 300000, Size: 65536}}
	for _, c := range []struct {
		name       string
		euid, egid int
		uids, gids []specs.LinuxIDMapping
		want       bool
	}{
		{"root writes any map itself", 0, 0, ranges, ranges, false},
		{"own ids only", 1000, 100, own, ownGid, false},
		{"own uid to another container id", 1000, 100,
			[]specs.LinuxIDMapping{{ContainerID: 1000, HostID: 1000, Size: 1}}, ownGid, false},
		{"subordinate uids", 1000, 100, ranges, ownGid, true},
		{"subordinate gids", 1000, 100, own, ranges, true},
		{"someone else's uid", 1000, 100, []specs.LinuxIDMapping{{ContainerID: 0, HostID: 1001, Size: 1}}, ownGid, true},
		{"more than one own id", 1000, 100, []specs.LinuxIDMapping{{ContainerID: 0, HostID: 1000, Size: 2}}, ownGid, true},
		{"gid map of the uid", 1000, 100, own, own, true},
	} {
		if got := needsMapHelpers(c.euid, c.egid, c.uids, c.gids); got != c.want {
			t.Errorf("%s: needsMapHelpers = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestCheckMapsRoot(t *testing.T) {
	root := []specs.LinuxIDMapping{{ContainerID: 1, HostID: 300000, Size: 10}, {ContainerID: 0, HostID: 1000, Size: 1}}
	noRoot := []specs.LinuxIDMapping{{ContainerID: 1, HostID: 300000, Size: 10}}
	if err := checkMapsRoot(root, root); err != nil {
		t.Errorf("root mapped second: %v", err)
	}
	if err := checkMapsRoot(noRoot, root); err == nil || err.Error()[:17] != "linux.uidMappings" {
		t.Errorf("uid 0 unmapped: %v", err)
	}
	if err := checkMapsRoot(root, noRoot); err == nil || err.Error()[:17] != "linux.gidMappings" {
		t.Errorf("gid 0 unmapped: %v", err)
	}
}

func TestHelperArgs(t *testing.T) {
	got := helperArgs(42, []specs.LinuxIDMapping{{ContainerID: 0, HostID: 1000, Size: 1}, {ContainerID: 1, HostID: 300000, Size: 65536}})
	want := []string{"42", "0", "1000", "1", "1", "300000", "65536"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("helperArgs = %q, want %q", got, want)
	}
}

package spec

import (
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func TestCheckMappings(t *testing.T) {
	own := []specs.LinuxIDMapping{{ContainerID: 0, HostID: 200000, Size: 1000}}
	big := make([]specs.LinuxIDMapping, maxMapLines+1)
	for i := range big {
		big[i] = specs.LinuxIDMapping{ContainerID: uint32(i), HostID: uint32(1000 + i), Size: 1}
	}
	for _, tc := range []struct {
		name string
		maps []specs.LinuxIDMapping
		want string
	}{
		{"good", own, ""},
		{"adjacent ranges", []specs.LinuxIDMapping{{ContainerID: 10, HostID: 2000, Size: 10}, {ContainerID: 0, HostID: 1000, Size: 10},
			{ContainerID: 20, HostID: 0xffffffff, Size: 1}}, ""},
		{"empty range", []specs.LinuxIDMapping{{HostID: 1, Size: 0}}, "m[0].size: must be positive"},
		{"past the largest id", []specs.LinuxIDMapping{{ContainerID: 0, HostID: 0xffffff00, Size: 0x1000}}, "m[0]: goes past the largest id 4294967295"},
		{"overlap inside", []specs.LinuxIDMapping{{ContainerID: 10, HostID: 1000, Size: 10}, {ContainerID: 0, HostID: 5000, Size: 11}},
			"m[0]: overlaps m[1] in containerID"},
		{"overlap outside", []specs.LinuxIDMapping{{ContainerID: 0, HostID: 1000, Size: 10}, {ContainerID: 100, HostID: 1005, Size: 1}},
			"m[1]: overlaps m[0] in hostID"},
		{"too many ranges", big, "m: 341 ranges, the kernel takes at most 340"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := errText(checkMappings("m", tc.maps)); got != tc.want {
				t.Fatalf("checkMappings = %q, want %q", got, tc.want)
			}
		})
	}
}

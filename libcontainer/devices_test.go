package libcontainer

import (
	"fmt"
	"slices"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// ruleText writes r as the v1 devices.list line it becomes.
func ruleText(r specs.LinuxDeviceCgroup) string {
	num := func(p *int64) string {
		if p == nil {
			return "*"
		}
		return fmt.Sprint(*p)
	}
	verb := "allow"
	if !r.Allow {
		verb = "deny"
	}
	typ := r.Type
	if typ == "" {
		typ = "a"
	}
	return fmt.Sprintf("%s %s %s:%s %s", verb, typ, num(r.Major), num(r.Minor), r.Access)
}

func ruleTexts(rules []specs.LinuxDeviceCgroup) []string {
	var out []string
	for _, r := range rules {
		out = append(out, ruleText(r))
	}
	return out
}

// runc's built-in allow list, as runc 1.1.5 leaves devices.list and as
// runc 1.2.4+ spells it in libcontainer/specconv.
var runcDefaults = []string{
	"allow c *:* m", "allow b *:* m",
	"allow c 1:3 rwm", "allow c 1:8 rwm", "allow c 1:7 rwm", "allow c 5:0 rwm",
	"allow c 1:5 rwm", "allow c 1:9 rwm", "allow c 136:* rwm", "allow c 5:2 rwm",
	"allow c 10:200 rwm",
}

func TestListedDevicesAddNoAllowRule(t *testing.T) {
	minor := int64(11)
	s := &specs.Spec{Linux: &specs.Linux{
		Devices: []specs.LinuxDevice{
			{Path: "/dev/kmsg", Type: "c", Major: 1, Minor: 11},
			{Path: "/dev/loop0", Type: "b", Major: 7, Minor: 0},
			{Path: "/dev/mine", Type: "u", Major: 1, Minor: 11},
			{Path: "/dev/fifo", Type: "p"},
		},
		Resources: &specs.LinuxResources{Devices: []specs.LinuxDeviceCgroup{
			{Allow: false, Access: "rwm"},
			{Allow: false, Type: "c", Major: ptr(int64(1)), Minor: &minor, Access: "r"},
		}},
	}}
	got := ruleTexts(cgroupResources(s).Devices)
	want := append([]string{"deny a *:* rwm", "deny c 1:11 r"}, runcDefaults...)
	if !slices.Equal(got, want) {
		t.Errorf("rules:\n got %q\nwant %q", got, want)
	}
	if n := len(s.Linux.Resources.Devices); n != 2 {
		t.Errorf("the spec's own rules were changed: %d rules", n)
	}
}

func TestDefaultDeviceRulesWithoutResources(t *testing.T) {
	s := &specs.Spec{Linux: &specs.Linux{Devices: []specs.LinuxDevice{{Path: "/dev/kmsg", Type: "c", Major: 1, Minor: 11}}}}
	if got := ruleTexts(cgroupResources(s).Devices); !slices.Equal(got, runcDefaults) {
		t.Errorf("rules:\n got %q\nwant %q", got, runcDefaults)
	}
}

func ptr[T any](v T) *T { return &v }

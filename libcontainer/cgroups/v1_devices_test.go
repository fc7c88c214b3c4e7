package cgroups

import (
	"reflect"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func rule(allow bool, typ string, major, minor int64, access string) specs.LinuxDeviceCgroup {
	r := specs.LinuxDeviceCgroup{Allow: allow, Type: typ, Access: access}
	if major >= 0 {
		r.Major = &major
	}
	if minor >= 0 {
		r.Minor = &minor
	}
	return r
}

func mustList(t *testing.T, text string) devState {
	t.Helper()
	s, err := parseDevicesList(text)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// a container's usual rules: deny everything, then the built-in list
var baseRules = []specs.LinuxDeviceCgroup{
	rule(false, "", -1, -1, "rwm"),
	rule(true, "c", -1, -1, "m"),
	rule(true, "c", 1, 3, "rwm"),
	rule(true, "c", 1, 5, "rwm"),
	rule(true, "c", 136, -1, "rwm"),
}

const baseList = "c *:* m\nc 1:3 rwm\nc 1:5 rwm\nc 136:* rwm\n"

func TestDevTransition(t *testing.T) {
	allowAll := "a *:* rwm\n"
	tests := []struct {
		name      string
		cur       string
		rules     []specs.LinuxDeviceCgroup
		want      []devWrite
		wantReset bool
	}{
		{name: "same rules: no writes", cur: baseList, rules: baseRules},
		{name: "same rules in another order: no writes", cur: "c 136:* rwm\nc 1:5 rwm\nc *:* m\nc 1:3 rwm\n", rules: baseRules},
		{name: "add one allow", cur: baseList,
			rules: append(baseRules[:len(baseRules):len(baseRules)], rule(true, "c", 1, 11, "r")),
			want:  []devWrite{{true, "c 1:11 r"}}},
		{name: "remove one (written behind our back)", cur: baseList + "c 1:11 rw\n", rules: baseRules,
			want: []devWrite{{false, "c 1:11 rw"}}},
		{name: "access bits only", cur: "c *:* m\nc 1:3 r\nc 1:5 rwm\nc 136:* rwm\n", rules: baseRules,
			want: []devWrite{{true, "c 1:3 wm"}}},
		{name: "a narrower allow is added before the wider one goes",
			cur:   "c 1:* rwm\n",
			rules: []specs.LinuxDeviceCgroup{rule(false, "a", -1, -1, "rwm"), rule(true, "c", 1, 3, "rwm")},
			want:  []devWrite{{true, "c 1:3 rwm"}, {false, "c 1:* rwm"}}},
		{name: "deny default to allow default: reset (the kernel drops the allows first)", cur: baseList,
			rules: []specs.LinuxDeviceCgroup{rule(true, "a", -1, -1, "rwm"), rule(false, "c", 1, 11, "rwm")},
			want:  []devWrite{{true, "a *:* rwm"}, {false, "c 1:11 rwm"}}, wantReset: true},
		{name: "allow default kept: no writes", cur: allowAll,
			rules: []specs.LinuxDeviceCgroup{rule(true, "a", -1, -1, "rwm")}},
		{name: "allow default with denials: reset, then the denials", cur: allowAll,
			rules: []specs.LinuxDeviceCgroup{rule(true, "", -1, -1, "rwm"), rule(false, "b", 8, -1, "w")},
			want:  []devWrite{{true, "a *:* rwm"}, {false, "b 8:* w"}}, wantReset: true},
		{name: "allow default to deny default: reset", cur: allowAll, rules: baseRules,
			want:      []devWrite{{false, "a *:* rwm"}, {true, "c *:* m"}, {true, "c 1:3 rwm"}, {true, "c 1:5 rwm"}, {true, "c 136:* rwm"}},
			wantReset: true},
		{name: "everything denied", cur: baseList, rules: []specs.LinuxDeviceCgroup{rule(false, "", -1, -1, "rwm")},
			want: []devWrite{{false, "c *:* m"}, {false, "c 1:3 rwm"}, {false, "c 1:5 rwm"}, {false, "c 136:* rwm"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			target := emulate(mustList(t, allowAll), tt.rules)
			got, reset := devTransition(mustList(t, tt.cur), target)
			if !reflect.DeepEqual(got, tt.want) || reset != tt.wantReset {
				t.Fatalf("got %v reset=%v, want %v reset=%v", got, reset, tt.want, tt.wantReset)
			}
			// the writes, as the kernel takes them, end in the target
			end := mustList(t, tt.cur)
			for _, w := range got {
				f := w.line
				k, _ := parseDevKey(f[:1], fieldAt(f, 1))
				r := specs.LinuxDeviceCgroup{Allow: w.allow, Type: string(k.typ), Access: fieldAt(f, 2)}
				if k.major >= 0 {
					r.Major = &k.major
				}
				if k.minor >= 0 {
					r.Minor = &k.minor
				}
				end.apply(r)
			}
			// the same devices allowed; the order of the kernel's list
			// follows the writes
			if end.allowAll != target.allowAll || !reflect.DeepEqual(sortedExceptions(end.exceptions), sortedExceptions(target.exceptions)) {
				t.Fatalf("writes end in %v, want %v", end, target)
			}
		})
	}
}

func fieldAt(line string, i int) string { return strings.Fields(line)[i] }

func TestEmulateKernelRules(t *testing.T) {
	s := emulate(mustList(t, ""), []specs.LinuxDeviceCgroup{
		rule(true, "c", 1, 3, "r"), rule(true, "c", 1, 3, "w"), // merge
		rule(true, "c", 1, 5, "rwm"), rule(false, "c", 1, 5, "rwm"), // gone
		rule(false, "c", 1, -1, "rwm"), // exact match only: c 1:3 stays
	})
	want := []devException{{devKey{'c', 1, 3}, "rw"}}
	if s.allowAll || !reflect.DeepEqual(s.exceptions, want) {
		t.Fatalf("got %+v, want deny default with %v", s, want)
	}
}

func TestParseDevicesListErrors(t *testing.T) {
	for _, bad := range []string{"c 1:3", "c 1-3 rwm", "c x:3 rwm", "cc 1:3 rwm"} {
		if _, err := parseDevicesList(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

// A fresh cgroup gets its allow lines in the rules' order, so
// devices.list lists them as config.json does (runtime-tools reads it so).
func TestDevTransitionKeepsRuleOrder(t *testing.T) {
	i := func(n int64) *int64 { return &n }
	rules := []specs.LinuxDeviceCgroup{
		{Allow: false, Access: "rwm"},
		{Allow: true, Type: "c", Major: i(10), Minor: i(229), Access: "rwm"},
		{Allow: true, Type: "b", Major: i(8), Minor: i(0), Access: "r"},
		{Allow: true, Type: "c", Major: i(1), Minor: i(3), Access: "rwm"},
	}
	parent := mustList(t, "a *:* rwm")
	got, _ := devTransition(parent, emulate(parent, rules))
	var lines []string
	for _, w := range got {
		lines = append(lines, w.line)
	}
	want := []string{"a *:* rwm", "c 10:229 rwm", "b 8:0 r", "c 1:3 rwm"}
	if !reflect.DeepEqual(lines, want) {
		t.Fatalf("writes %q, want %q", lines, want)
	}
}

// An exception keeps the place it was first made in while its access
// changes; one that goes leaves the others in their order.
func TestEmulateKeepsExceptionOrder(t *testing.T) {
	s := emulate(mustList(t, ""), []specs.LinuxDeviceCgroup{
		rule(true, "c", 10, 229, "r"), rule(true, "b", 8, 0, "r"), rule(true, "c", 1, 3, "rwm"),
		rule(false, "b", 8, 0, "r"), rule(true, "c", 10, 229, "w"),
	})
	want := []devException{{devKey{'c', 10, 229}, "rw"}, {devKey{'c', 1, 3}, "rwm"}}
	if !reflect.DeepEqual(s.exceptions, want) {
		t.Fatalf("got %+v, want %+v", s.exceptions, want)
	}
}

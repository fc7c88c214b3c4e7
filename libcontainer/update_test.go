package libcontainer

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"myrunc/libcontainer/cgroups"
)

func resources(t *testing.T, js string) *specs.LinuxResources {
	t.Helper()
	var r specs.LinuxResources
	if err := json.Unmarshal([]byte(js), &r); err != nil {
		t.Fatal(err)
	}
	return &r
}

func asJSON(r *specs.LinuxResources) string {
	b, _ := json.Marshal(r)
	return string(b)
}

func TestUpdatable(t *testing.T) {
	in := resources(t, `{"devices":[{"allow":false,"access":"rwm"}],"memory":{"limit":100,"kernel":50},
		"pids":{"limit":-1},"network":{"classID":7},"cpu":{"cpus":"0-1"},"unified":{"memory.high":"1000"}}`)
	out, warnings := updatable(in)
	want := `{"memory":{"limit":100},"cpu":{"cpus":"0-1"},"pids":{"limit":-1},"unified":{"memory.high":"1000"}}`
	if got := asJSON(out); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], "kernel") {
		t.Errorf("warnings %q", warnings)
	}
	if in.Memory.Kernel == nil {
		t.Error("updatable changed its input")
	}
	if out, w := updatable(nil); asJSON(out) != `{}` || w != nil {
		t.Errorf("updatable(nil) = %s, %q", asJSON(out), w)
	}
}

// What Docker 20.10 sends for `docker update --memory 128m --memory-swap
// 256m`: the zeros mean "leave it", the kernel 0 is no reason to warn.
// Its pids limit 0 is not one of them: since runtime-spec 1.3 (runc 1.4)
// 0 is a limit, and only a missing limit leaves pids.max.
func TestUpdatableDockerZeros(t *testing.T) {
	in := resources(t, `{"memory":{"limit":134217728,"reservation":0,"swap":268435456,"kernel":0},
		"cpu":{"shares":0,"quota":0,"period":0,"realtimeRuntime":0,"realtimePeriod":0,"idle":0,"burst":0},
		"blockIO":{"weight":0},"pids":{"limit":0}}`)
	out, warnings := updatable(in)
	want := `{"memory":{"limit":134217728,"swap":268435456},"cpu":{"burst":0,"idle":0},"pids":{"limit":0},"blockIO":{}}`
	if got := asJSON(out); got != want || len(warnings) != 0 {
		t.Errorf("got  %s %q\nwant %s", got, warnings, want)
	}
}

func TestMergeResources(t *testing.T) {
	old := resources(t, `{"devices":[{"allow":true,"type":"c","major":1,"minor":3,"access":"rwm"}],
		"memory":{"limit":100,"swap":200},"cpu":{"shares":256,"cpus":"0"},
		"hugepageLimits":[{"pageSize":"2MB","limit":10},{"pageSize":"1GB","limit":0}],
		"unified":{"a":"1","b":"2"}}`)
	before := asJSON(old)
	delta := resources(t, `{"memory":{"limit":300},"cpu":{"mems":"0","quota":5000},"pids":{"limit":9},
		"hugepageLimits":[{"pageSize":"2MB","limit":20},{"pageSize":"64KB","limit":1}],"unified":{"b":"3"}}`)
	got := asJSON(mergeResources(old, delta))
	want := `{"devices":[{"allow":true,"type":"c","major":1,"minor":3,"access":"rwm"}],` +
		`"memory":{"limit":300,"swap":200},"cpu":{"shares":256,"quota":5000,"cpus":"0","mems":"0"},` +
		`"pids":{"limit":9},"hugepageLimits":[{"pageSize":"2MB","limit":20},{"pageSize":"1GB","limit":0},` +
		`{"pageSize":"64KB","limit":1}],"unified":{"a":"1","b":"3"}}`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if asJSON(old) != before {
		t.Errorf("merge changed the old resources: %s", asJSON(old))
	}
	// an empty delta changes nothing
	if got := asJSON(mergeResources(old, &specs.LinuxResources{})); got != before {
		t.Errorf("empty delta: %s", got)
	}
}

func TestUndoResources(t *testing.T) {
	old := resources(t, `{"memory":{"limit":100,"swap":200},"cpu":{"shares":256},"pids":{"limit":5},
		"unified":{"a":"1"}}`)
	apply := resources(t, `{"memory":{"limit":300},"cpu":{"shares":512,"quota":1000},"blockIO":{"weight":100},
		"unified":{"a":"2","z":"9"}}`)
	got := asJSON(undoResources(old, apply))
	// what apply sets, at its old value; what the spec never had stays unset
	want := `{"memory":{"limit":100},"cpu":{"shares":256},"blockIO":{},"unified":{"a":"1"}}`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestWithPairs(t *testing.T) {
	cases := []struct{ delta, merged, want string }{
		// a quota alone takes the spec's period
		{`{"cpu":{"quota":5000}}`, `{"cpu":{"quota":5000,"period":20000}}`, `{"cpu":{"quota":5000,"period":20000}}`},
		// or the kernel's default
		{`{"cpu":{"quota":5000}}`, `{"cpu":{"quota":5000}}`, `{"cpu":{"quota":5000,"period":100000}}`},
		// a period alone takes the spec's quota
		{`{"cpu":{"period":50000}}`, `{"cpu":{"quota":7,"period":50000}}`, `{"cpu":{"quota":7,"period":50000}}`},
		// an rt period alone takes the spec's runtime, and the other way
		{`{"cpu":{"realtimePeriod":800}}`, `{"cpu":{"realtimeRuntime":20,"realtimePeriod":800}}`, `{"cpu":{"realtimeRuntime":20,"realtimePeriod":800}}`},
		{`{"cpu":{"realtimeRuntime":30}}`, `{"cpu":{"realtimeRuntime":30}}`, `{"cpu":{"realtimeRuntime":30}}`},
		// neither: unchanged
		{`{"cpu":{"shares":2}}`, `{"cpu":{"shares":2,"quota":1}}`, `{"cpu":{"shares":2}}`},
		{`{}`, `{"cpu":{"quota":1}}`, `{}`},
		// a swap limit takes the spec's memory limit
		{`{"memory":{"swap":300}}`, `{"memory":{"limit":100,"swap":300}}`, `{"memory":{"limit":100,"swap":300}}`},
		{`{"memory":{"swap":300}}`, `{"memory":{"swap":300}}`, `{"memory":{"swap":300}}`},
		{`{"memory":{"limit":5}}`, `{"memory":{"limit":5,"swap":300}}`, `{"memory":{"limit":5}}`},
	}
	for _, c := range cases {
		delta := resources(t, c.delta)
		if got := asJSON(withPairs(delta, resources(t, c.merged))); got != c.want {
			t.Errorf("%s over %s: got %s, want %s", c.delta, c.merged, got, c.want)
		}
		if asJSON(delta) != c.delta {
			t.Errorf("delta changed: %s", asJSON(delta))
		}
	}
}

func TestExplainSetError(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "blkio.weight")
	for _, c := range []struct {
		err  error
		want string
	}{
		{&fs.PathError{Op: "open", Path: missing, Err: unix.ENOENT}, "does not support blockIO.weight (--blkio-weight)"},
		// cgroupfs: creating a file it lacks is EACCES
		{&fs.PathError{Op: "open", Path: missing, Err: unix.EACCES}, "does not support blockIO.weight"},
		{&fs.PathError{Op: "open", Path: filepath.Join(dir, "hugetlb.2MB.limit_in_bytes"), Err: unix.ENOENT}, "does not support hugepageLimits"},
		{&fs.PathError{Op: "write", Path: "/cg/memory.limit_in_bytes", Err: unix.EINVAL}, "may not exceed the memory+swap limit"},
		{&fs.PathError{Op: "write", Path: "/cg/memory.limit_in_bytes", Err: unix.EBUSY}, "uses more memory"},
		{&fs.PathError{Op: "write", Path: "/cg/cpu.shares", Err: unix.EINVAL}, "invalid value for cpu.shares"},
	} {
		got := explainSetError(fmt.Errorf("set resources of cgroup /x: %w", c.err)).Error()
		if !strings.Contains(got, c.want) {
			t.Errorf("%v: got %q, want %q in it", c.err, got, c.want)
		}
	}
	// a file that exists but refuses us is not "unsupported"
	present := filepath.Join(dir, "cpu.shares")
	os.WriteFile(present, nil, 0o600)
	got := explainSetError(&fs.PathError{Op: "open", Path: present, Err: unix.EACCES}).Error()
	if strings.Contains(got, "does not support") || !strings.Contains(got, "permission denied") {
		t.Errorf("got %q", got)
	}
}

func TestMissingHugetlb(t *testing.T) {
	v1 := t.TempDir()
	os.WriteFile(filepath.Join(v1, "hugetlb.2MB.limit_in_bytes"), nil, 0o600)
	unified := t.TempDir()
	os.WriteFile(filepath.Join(unified, "hugetlb.1GB.max"), nil, 0o600)
	dirs := []cgroups.Dir{{Name: "hugetlb", HostPath: v1}, {Name: "unified", HostPath: unified}}
	limits := []specs.LinuxHugepageLimit{{Pagesize: "2MB"}, {Pagesize: "1GB"}}
	if got := missingHugetlb(dirs, limits); strings.Join(got, ",") != "1GB" {
		t.Errorf("hybrid: %q", got)
	}
	if got := missingHugetlb([]cgroups.Dir{{HostPath: unified}}, limits); strings.Join(got, ",") != "2MB" {
		t.Errorf("v2: %q", got)
	}
}

func TestSpecRoundTrip(t *testing.T) {
	dir := t.TempDir()
	s := &specs.Spec{Version: specs.Version, Linux: &specs.Linux{Resources: resources(t, `{"pids":{"limit":3}}`)}}
	if err := saveConfig(dir, s); err != nil {
		t.Fatal(err)
	}
	got, err := (&Container{dir: dir}).Config()
	if err != nil || *got.Linux.Resources.Pids.Limit != 3 {
		t.Fatalf("Config: %v, %v", got, err)
	}
	got.Linux.Resources.Pids.Limit = ptrTo(int64(4))
	if err := saveConfig(dir, got); err != nil {
		t.Fatal(err)
	}
	if again, _ := (&Container{dir: dir}).Config(); *again.Linux.Resources.Pids.Limit != 4 {
		t.Errorf("saveConfig did not stick")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("temp files left: %v", entries)
	}
}

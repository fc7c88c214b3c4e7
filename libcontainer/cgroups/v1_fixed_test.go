package cgroups

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func res(t *testing.T, js string) *specs.LinuxResources {
	t.Helper()
	var r specs.LinuxResources
	if err := json.Unmarshal([]byte(js), &r); err != nil {
		t.Fatal(err)
	}
	return &r
}

func TestLibraryV1LeavesOutWhatV1FixedWrites(t *testing.T) {
	r := res(t, `{"cpu":{"shares":2,"burst":5,"idle":1},"memory":{"limit":9,"useHierarchy":true},"pids":{"limit":0},
		"blockIO":{"weight":300,"leafWeight":20,"weightDevice":[{"major":7,"minor":0,"weight":200}],
		"throttleReadBpsDevice":[{"major":7,"minor":0,"rate":1}]}}`)
	lib := libraryV1(r)
	got, _ := json.Marshal(lib)
	want := `{"memory":{"limit":9},"cpu":{"shares":2},"blockIO":{"throttleReadBpsDevice":[{"major":7,"minor":0,"rate":1}]}}`
	if string(got) != want {
		t.Fatalf("libraryV1 = %s, want %s", got, want)
	}
	if r.CPU.Burst == nil || r.BlockIO.Weight == nil {
		t.Fatal("libraryV1 changed its input")
	}
}

func TestV1FixedBFQ(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "blkio.bfq.weight"), nil, 0o644)
	at := func(string) string { return dir }
	files, err := v1Fixed(res(t, `{"cpu":{"burst":5,"idle":1},"memory":{"useHierarchy":true},"pids":{"limit":0},
		"blockIO":{"weight":300,"weightDevice":[{"major":7,"minor":1,"weight":200}]}}`), at)
	if err != nil {
		t.Fatal(err)
	}
	want := []v1File{
		{"cpu.burst", "cpu", "cpu.cfs_burst_us", "5"},
		{"cpu.idle", "cpu", "cpu.idle", "1"},
		{"memory.useHierarchy", "memory", "memory.use_hierarchy", "1"},
		{"pids.limit", "pids", "pids.max", "0"},
		{"blockIO.weight", "blkio", "blkio.bfq.weight", "300"},
		{"blockIO.weightDevice 7:1", "blkio", "blkio.bfq.weight_device", "7:1 200"},
	}
	if !reflect.DeepEqual(files, want) {
		t.Fatalf("got %v\nwant %v", files, want)
	}
	for _, js := range []string{`{"blockIO":{"leafWeight":20}}`, `{"blockIO":{"weightDevice":[{"major":7,"minor":1,"leafWeight":20}]}}`} {
		if _, err := v1Fixed(res(t, js), at); err == nil || !strings.Contains(err.Error(), "leaf") {
			t.Errorf("%s: err = %v, want one about leaf weights", js, err)
		}
	}
}

func TestV1FixedCFQ(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "blkio.weight"), nil, 0o644)
	files, err := v1Fixed(res(t, `{"blockIO":{"weight":300,"leafWeight":20}}`), func(string) string { return dir })
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 2 || files[0].file != "blkio.weight" || files[1].file != "blkio.leaf_weight" {
		t.Fatalf("got %v", files)
	}
}

func TestWriteV1FixedNamesAMissingFile(t *testing.T) {
	dir := t.TempDir()
	err := writeV1Fixed([]v1File{{"cpu.idle", "cpu", "cpu.idle", "1"}}, func(string) string { return filepath.Join(dir, "gone") })
	if err == nil || !strings.Contains(err.Error(), "linux.resources.cpu.idle") || !strings.Contains(err.Error(), "no cpu.idle") {
		t.Fatalf("err = %v", err)
	}
}

func TestCheckBeforeUpdate(t *testing.T) {
	usage := func() (int64, error) { return 1000, nil }
	cases := []struct {
		js      string
		refused bool
	}{
		{`{"limit": 999, "checkBeforeUpdate": true}`, true},
		{`{"limit": 1000, "checkBeforeUpdate": true}`, false},
		{`{"limit": 999, "checkBeforeUpdate": false}`, false},
		{`{"limit": 999}`, false},
		{`{"limit": -1, "checkBeforeUpdate": true}`, false},
		{`{"swap": 5, "checkBeforeUpdate": true}`, false},
	}
	for _, c := range cases {
		var m specs.LinuxMemory
		json.Unmarshal([]byte(c.js), &m)
		err := checkBeforeUpdate(&m, usage)
		if (err != nil) != c.refused {
			t.Errorf("%s: err = %v", c.js, err)
		}
		if err != nil && !strings.Contains(err.Error(), "below the container's memory usage 1000") {
			t.Errorf("%s: err = %v", c.js, err)
		}
	}
}

func TestWriteUnifiedOnV1(t *testing.T) {
	if err := writeUnified(map[string]string{"memory.high": "1"}, ""); err == nil || !strings.Contains(err.Error(), "pure cgroup v1") {
		t.Errorf("pure v1: err = %v", err)
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "cgroup.controllers"), []byte("hugetlb\n"), 0o644)
	leaf := filepath.Join(dir, "c")
	os.Mkdir(leaf, 0o755)
	os.WriteFile(filepath.Join(leaf, "cgroup.max.depth"), nil, 0o644)
	if err := writeUnified(map[string]string{"cgroup.max.depth": "3"}, leaf); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(filepath.Join(leaf, "cgroup.max.depth")); string(got) != "3" {
		t.Errorf("cgroup.max.depth = %q", got)
	}
	if err := writeUnified(map[string]string{"../x": "1"}, leaf); err == nil {
		t.Error("a path as a key was accepted")
	}
}

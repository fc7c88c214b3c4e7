package main

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{
		"0": 0, "1024": 1024, "67108864": 67108864, "64m": 64 << 20, "64M": 64 << 20,
		"1g": 1 << 30, "1G": 1 << 30, "512k": 512 << 10, "128MiB": 128 << 20, "2gb": 2 << 30,
		"-1": -1,
	} {
		got, err := parseSize(in)
		if err != nil || *got != want {
			t.Errorf("parseSize(%q) = %v, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "lots", "-2", "-1m", "1x", "m"} {
		if _, err := parseSize(bad); err == nil {
			t.Errorf("parseSize(%q) accepted", bad)
		}
	}
}

func TestParseCPUList(t *testing.T) {
	for _, ok := range []string{"0", "0-3", "0,2", "0-1,4,6-7"} {
		if _, err := parseCPUList(ok); err != nil {
			t.Errorf("parseCPUList(%q): %v", ok, err)
		}
	}
	for _, bad := range []string{"", "a", "0-", "-1", "3-1", "0,,1", "0-x"} {
		if _, err := parseCPUList(bad); err == nil {
			t.Errorf("parseCPUList(%q) accepted", bad)
		}
	}
}

// flags is a lookup over a fixed set of flag values.
func flags(kv ...string) func(string) (string, bool) {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(name string) (string, bool) { v, ok := m[name]; return v, ok }
}

func TestResourcesFromFlagsOverridesJSON(t *testing.T) {
	base, err := readResources("-", strings.NewReader(
		`{"memory":{"limit":1000,"swap":2000},"cpu":{"shares":256,"quota":10000,"cpus":"0"},"pids":{"limit":5}}`))
	if err != nil {
		t.Fatal(err)
	}
	r, err := resourcesFromFlags(base, flags("memory", "64m", "cpu-share", "512", "pids-limit", "-1",
		"cpu-period", "50000", "cpuset-mems", "0", "blkio-weight", "300", "memory-reservation", "32m"))
	if err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(r)
	want := `{"memory":{"limit":67108864,"reservation":33554432,"swap":2000},` +
		`"cpu":{"shares":512,"quota":10000,"period":50000,"cpus":"0","mems":"0"},` +
		`"pids":{"limit":-1},"blockIO":{"weight":300}}`
	if string(got) != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestResourcesFromFlagsAlone(t *testing.T) {
	r, err := resourcesFromFlags(nil, flags("cpu-quota", "-1", "cpu-rt-runtime", "950", "cpu-rt-period", "1000",
		"memory-swap", "-1", "kernel-memory-tcp", "1m"))
	if err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(r)
	want := `{"memory":{"swap":-1,"kernelTCP":1048576},"cpu":{"quota":-1,"realtimeRuntime":950,"realtimePeriod":1000}}`
	if string(got) != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	// no flag, no JSON: nothing to change
	r, err = resourcesFromFlags(nil, flags())
	if got, _ := json.Marshal(r); err != nil || string(got) != `{}` {
		t.Errorf("empty update = %s, %v", got, err)
	}
}

func TestResourcesFromFlagsErrorsNameTheFlag(t *testing.T) {
	for _, kv := range [][2]string{
		{"memory", "lots"}, {"cpu-quota", "1.5"}, {"cpu-period", "-1"}, {"cpu-share", "x"},
		{"pids-limit", "many"}, {"blkio-weight", "5"}, {"blkio-weight", "1001"}, {"cpuset-cpus", "0-"},
	} {
		_, err := resourcesFromFlags(nil, flags(kv[0], kv[1]))
		if err == nil || !strings.HasPrefix(err.Error(), "--"+kv[0]+":") {
			t.Errorf("--%s=%s: %v", kv[0], kv[1], err)
		}
	}
}

func TestReadResourcesBadJSON(t *testing.T) {
	if _, err := readResources("-", strings.NewReader(`{"memory": `)); err == nil || !strings.Contains(err.Error(), "stdin") {
		t.Errorf("got %v", err)
	}
	if _, err := readResources("/nonexistent/res.json", nil); err == nil {
		t.Error("missing file accepted")
	}
}

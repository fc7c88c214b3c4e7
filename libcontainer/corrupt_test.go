package libcontainer

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// corrupted makes container id under root with state.json = data and a
// config.json naming cgroup.
func corrupted(t *testing.T, root, id, data, cgroup string) {
	t.Helper()
	dir := filepath.Join(root, id)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, stateFile), []byte(data), 0o600)
	os.WriteFile(filepath.Join(dir, configFile), []byte(`{"root":{"path":"/r"},"linux":{"cgroupsPath":"`+cgroup+`"}}`), 0o600)
}

func TestCorruptStateIsJudgedFromTheConfig(t *testing.T) {
	root := t.TempDir()
	for name, data := range map[string]string{
		"empty": "", "truncated": `{"id":"c","pid":1`, "garbage": "\x00\xff garbage", "null": "null",
		"another container's": `{"id":"d"}`, "the root cgroup": `{"id":"c","cgroupPath":"/"}`,
		"a relative cgroup": `{"id":"c","cgroupPath":"x/../.."}`, "negative pid": `{"id":"c","pid":-5}`,
	} {
		corrupted(t, root, "c", data, "/myrunc-corrupt-test")
		c, err := Load(root, "c")
		if err != nil {
			t.Fatalf("%s: Load: %v", name, err)
		}
		var ce *CorruptError
		if !errors.As(c.Corrupt(), &ce) {
			t.Fatalf("%s: not found corrupt", name)
		}
		if c.State().CgroupPath != "/myrunc-corrupt-test" || c.State().Rootfs != "/r" || c.State().Pid != 0 {
			t.Fatalf("%s: recovered %+v", name, c.State())
		}
		if st := c.Status(); st != Stopped {
			t.Fatalf("%s: status %s with an empty cgroup", name, st)
		}
		if err := c.lockUsable(); err == nil || !errors.As(err, &ce) {
			t.Fatalf("%s: a verb went on with a corrupt state: %v", name, err)
		}
	}
	// without a readable config nothing is guessed
	corrupted(t, root, "e", "", "")
	os.WriteFile(filepath.Join(root, "e", configFile), []byte("{"), 0o600)
	if c, err := Load(root, "e"); err != nil || c.State().CgroupPath != "" {
		t.Fatalf("no config: %v %+v", err, c.State())
	}
}

// FuzzLoadState: no state.json makes loading, or judging the container's
// status, panic; and none is trusted that names the root cgroup.
func FuzzLoadState(f *testing.F) {
	f.Add([]byte(`{"id":"c","pid":1,"cgroupPath":"/c","rootfs":"/r","created":"2020-01-01T00:00:00Z"}`))
	f.Add([]byte(`{"id":"c","creator":{"pid":1,"startTime":5},"gateInode":3}`))
	f.Add([]byte(`{"id":"c","cgroupPath":"/"}`))
	f.Add([]byte(`null`))
	root := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		corrupted(t, root, "c", string(data), "/myrunc-fuzz-nonexistent")
		c, err := Load(root, "c")
		if err != nil {
			return
		}
		_ = c.Status()
		_ = c.OCIState()
		_ = c.Created()
		if c.Corrupt() == nil && c.State() != nil && c.State().CgroupPath == "/" {
			t.Fatal("a state naming the root cgroup was trusted")
		}
	})
}

package spec

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// runcJSON is Default (or its rootless form) as runc 1.1.5 would write it:
// runc's ociVersion and, for rootless, host ids of 0 as in the testdata
// (recorded as root).
func runcJSON(t *testing.T, s *specs.Spec) []byte {
	t.Helper()
	s.Version = "1.0.2-dev"
	if s.Linux != nil {
		for i := range s.Linux.UIDMappings {
			s.Linux.UIDMappings[i].HostID = 0
		}
		for i := range s.Linux.GIDMappings {
			s.Linux.GIDMappings[i].HostID = 0
		}
	}
	data, err := json.MarshalIndent(s, "", "\t")
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestDefaultMatchesRunc(t *testing.T) {
	if v := Default().Version; v != specs.Version {
		t.Errorf("ociVersion = %q, want %q", v, specs.Version)
	}
	for _, tt := range []struct {
		file string
		spec func() *specs.Spec
	}{
		{"testdata/runc-spec.json", Default},
		{"testdata/runc-spec-rootless.json", func() *specs.Spec { s := Default(); ToRootless(s); return s }},
	} {
		want, err := os.ReadFile(tt.file)
		if err != nil {
			t.Fatal(err)
		}
		if got := runcJSON(t, tt.spec()); !bytes.Equal(got, want) {
			t.Errorf("%s differs:\n%s", tt.file, got)
		}
	}
}

// TestRoundTrip writes each generated spec into a bundle with a rootfs and
// loads it back: what `myrunc spec` writes must be accepted by `create`.
func TestRoundTrip(t *testing.T) {
	for name, s := range map[string]*specs.Spec{"default": Default(), "rootless": rootless()} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.Mkdir(filepath.Join(dir, "rootfs"), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := Write(dir, s); err != nil {
				t.Fatal(err)
			}
			got, err := Load(dir)
			if err != nil {
				t.Fatalf("Load after Write: %v", err)
			}
			s.Root.Path = filepath.Join(dir, "rootfs")
			a, _ := json.Marshal(s)
			b, _ := json.Marshal(got)
			if !bytes.Equal(a, b) {
				t.Errorf("round trip changed the spec:\n%s\n%s", a, b)
			}
		})
	}
}

func rootless() *specs.Spec { s := Default(); ToRootless(s); return s }

func TestToRootless(t *testing.T) {
	s := rootless()
	for _, ns := range s.Linux.Namespaces {
		if ns.Type == specs.NetworkNamespace {
			t.Error("network namespace kept")
		}
	}
	if m := s.Linux.UIDMappings; len(m) != 1 || m[0].HostID != uint32(os.Geteuid()) || m[0].Size != 1 {
		t.Errorf("uidMappings = %+v", m)
	}
	if m := s.Linux.GIDMappings; len(m) != 1 || m[0].HostID != uint32(os.Getegid()) {
		t.Errorf("gidMappings = %+v", m)
	}
	if s.Linux.Resources != nil || s.Linux.CgroupsPath != "" {
		t.Error("cgroup settings kept")
	}
	s.Root.Path = t.TempDir()
	if err := Validate(s); err != nil {
		t.Errorf("Validate(rootless) = %v", err)
	}
	// Must not panic on sparse input, and must leave a valid user namespace.
	ToRootless(nil)
	sparse := &specs.Spec{}
	ToRootless(sparse)
	if len(sparse.Linux.Namespaces) != 1 || sparse.Linux.Namespaces[0].Type != specs.UserNamespace {
		t.Errorf("sparse: namespaces = %+v", sparse.Linux.Namespaces)
	}
	twice := rootless()
	ToRootless(twice)
	if n := len(twice.Linux.Namespaces); n != 5 {
		t.Errorf("ToRootless twice: %d namespaces, want 5", n)
	}
}

func TestDefaultIsFresh(t *testing.T) {
	a := Default()
	a.Process.Capabilities.Bounding[0] = "CAP_SYS_ADMIN"
	a.Mounts[0].Destination = "/x"
	b := Default()
	if b.Process.Capabilities.Bounding[0] != "CAP_AUDIT_WRITE" || b.Process.Capabilities.Effective[0] != "CAP_AUDIT_WRITE" || b.Mounts[0].Destination != "/proc" {
		t.Error("Default() shares state between calls")
	}
}

func TestWriteExists(t *testing.T) {
	dir := t.TempDir()
	if err := Write(dir, Default()); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(filepath.Join(dir, ConfigName))
	err := Write(dir, rootless())
	if want := "config.json already exists in " + dir; errText(err) != want {
		t.Errorf("Write = %q, want %q", errText(err), want)
	}
	if !errors.Is(err, fs.ErrExist) {
		t.Error("error does not match fs.ErrExist")
	}
	if after, _ := os.ReadFile(filepath.Join(dir, ConfigName)); !bytes.Equal(before, after) {
		t.Error("existing config.json was changed")
	}
	if err := Write(filepath.Join(dir, "missing"), Default()); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Write to a missing bundle = %v", err)
	}
	if err := Write(dir, nil); err == nil {
		t.Error("Write(nil) succeeded")
	}
}

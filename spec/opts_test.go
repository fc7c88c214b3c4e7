package spec

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func TestOpts(t *testing.T) {
	s := Default()
	err := Apply(s, WithArgs("sh", "-c", "x"), WithEnv("A=1", "PATH=/bin", "TERM"), WithDefaultEnv("A", "2"),
		WithDefaultEnv("HOME", "/root"), WithCwd("/w"), WithUser(1, 2, []uint32{3}), WithRoot(t.TempDir(), false),
		WithTerminal(false), WithHostname("h"), WithoutNamespace(specs.NetworkNamespace), WithAnnotations(map[string]string{"k": "v"}))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(s.Process.Args, []string{"sh", "-c", "x"}) || s.Process.Cwd != "/w" || s.Hostname != "h" {
		t.Errorf("args %v cwd %s host %s", s.Process.Args, s.Process.Cwd, s.Hostname)
	}
	if !reflect.DeepEqual(s.Process.Env, []string{"A=1", "PATH=/bin", "HOME=/root"}) {
		t.Errorf("env %v", s.Process.Env)
	}
	if s.Process.User.UID != 1 || s.Process.User.GID != 2 || s.Annotations["k"] != "v" {
		t.Errorf("user %+v root %+v", s.Process.User, s.Root)
	}
	for _, n := range s.Linux.Namespaces {
		if n.Type == specs.NetworkNamespace {
			t.Error("network namespace kept")
		}
	}
	if err := Validate(s); err != nil {
		t.Errorf("the result does not validate: %v", err)
	}
}

func TestWriteCompactLoadsBack(t *testing.T) {
	dir := t.TempDir()
	os.Mkdir(filepath.Join(dir, "rootfs"), 0o755)
	s := Default()
	if err := Apply(s, WithArgs("echo", "hi"), WithRoot("rootfs", false)); err != nil {
		t.Fatal(err)
	}
	if err := WriteCompact(dir, s); err != nil {
		t.Fatal(err)
	}
	if err := WriteCompact(dir, s); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("second write: %v", err)
	}
	got, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Process.Args, []string{"echo", "hi"}) {
		t.Fatalf("args %v", got.Process.Args)
	}
}

package builder

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func TestMountStubs(t *testing.T) {
	rootfs := t.TempDir()
	os.MkdirAll(filepath.Join(rootfs, "proc"), 0o755)
	os.MkdirAll(filepath.Join(rootfs, "etc"), 0o755)
	os.WriteFile(filepath.Join(rootfs, "etc/hosts"), []byte("image's own\n"), 0o644)
	// a symlink that points out of the root is never followed: what is
	// behind it cannot be told, so nothing there is a stub
	os.Symlink("/", filepath.Join(rootfs, "out"))
	s := &specs.Spec{Mounts: []specs.Mount{{Destination: "/proc"}, {Destination: "/etc/hosts"}, {Destination: "/etc/hostname"},
		{Destination: "/dev/shm"}, {Destination: "/dev/mqueue"}, {Destination: "/out/tmp/x"}}}
	stubs, err := mountStubs(rootfs, s)
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(stubs)
	if want := []string{"/dev", "/dev/mqueue", "/dev/shm", "/etc/hostname"}; !slices.Equal(stubs, want) {
		t.Fatalf("stubs %q, want %q", stubs, want)
	}
	// what the runtime makes: empty files and directories; the command
	// also wrote into /dev/keep
	os.WriteFile(filepath.Join(rootfs, "etc/hostname"), nil, 0o644)
	os.MkdirAll(filepath.Join(rootfs, "dev/shm"), 0o755)
	os.MkdirAll(filepath.Join(rootfs, "dev/mqueue"), 0o755)
	if err := removeStubs(rootfs, stubs); err != nil {
		t.Fatal(err)
	}
	for _, gone := range []string{"etc/hostname", "dev"} {
		if _, err := os.Lstat(filepath.Join(rootfs, gone)); err == nil {
			t.Errorf("%s is still there", gone)
		}
	}
	os.MkdirAll(filepath.Join(rootfs, "dev/shm"), 0o755)
	os.WriteFile(filepath.Join(rootfs, "dev/keep"), []byte("x"), 0o644)
	if err := removeStubs(rootfs, []string{"/dev", "/dev/shm"}); err != nil {
		t.Fatal(err)
	}
	for _, kept := range []string{"etc/hosts", "proc", "dev/keep"} {
		if _, err := os.Lstat(filepath.Join(rootfs, kept)); err != nil {
			t.Errorf("%s was removed", kept)
		}
	}
}

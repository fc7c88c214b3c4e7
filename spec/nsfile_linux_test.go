package spec

import (
	"os"
	"path/filepath"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// The other tests name namespace files that do not exist here.
func TestMain(m *testing.M) {
	namespaceFile = func(string, string, specs.LinuxNamespaceType) error { return nil }
	os.Exit(m.Run())
}

func TestCheckNamespaceFile(t *testing.T) {
	dir := t.TempDir()
	file, loop := filepath.Join(dir, "file"), filepath.Join(dir, "loop")
	os.WriteFile(file, nil, 0o600)
	os.Symlink(loop, loop)
	for _, tc := range []struct {
		path string
		typ  specs.LinuxNamespaceType
		want string
	}{
		{"/proc/self/ns/net", specs.NetworkNamespace, ""},
		{"/proc/self/ns/net", specs.UTSNamespace, "f: /proc/self/ns/net is a namespace of another type, not uts"},
		{file, specs.NetworkNamespace, "f: " + file + " is not a namespace file"},
		{loop, specs.NetworkNamespace, "f: cannot open " + loop + ": too many levels of symbolic links"},
		{filepath.Join(dir, "none"), specs.NetworkNamespace, "f: " + filepath.Join(dir, "none") + " does not exist"},
	} {
		if got := errText(checkNamespaceFile("f", tc.path, tc.typ)); got != tc.want {
			t.Errorf("%s as %s: %q, want %q", tc.path, tc.typ, got, tc.want)
		}
	}
}

package inscope

import (
	"os"
	"path/filepath"
	"testing"
)

func TestResolve(t *testing.T) {
	rootfs := t.TempDir()
	os.MkdirAll(filepath.Join(rootfs, "usr/bin"), 0o755)
	os.MkdirAll(filepath.Join(rootfs, "run"), 0o755)
	os.MkdirAll(filepath.Join(rootfs, "var"), 0o755)
	os.Symlink("/run", filepath.Join(rootfs, "var/run"))
	os.Symlink("/", filepath.Join(rootfs, "esc"))
	os.Symlink("../../..", filepath.Join(rootfs, "usr/bin/up"))
	os.Symlink("usr/bin", filepath.Join(rootfs, "bin"))
	os.WriteFile(filepath.Join(rootfs, "file"), nil, 0o644)
	// dangling links are followed too, inside the image
	os.Symlink("/opt/new", filepath.Join(rootfs, "dangling"))
	os.Symlink("../../../../nowhere", filepath.Join(rootfs, "usr/bin/rel"))
	os.Symlink("loop", filepath.Join(rootfs, "loop"))
	for in, want := range map[string]string{
		"/var/run/app.pid": "/run/app.pid",
		"/var/run":         "/run",
		"/esc/etc/passwd":  "/etc/passwd", // "/" is the image's root, not the host's
		"/esc/../../x":     "/x",
		"/usr/bin/up/y":    "/y",
		"/bin/sh":          "/usr/bin/sh",
		"/new/dir/":        "/new/dir",
		"/file/below":      "/file/below", // the copier names the file in the way
		"/":                "/",
		"/dangling/x":      "/opt/new/x",
		"/dangling":        "/opt/new",
		"/usr/bin/rel/z":   "/nowhere/z",
	} {
		if got, err := Resolve(rootfs, in); err != nil || got != want {
			t.Errorf("Resolve(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := Resolve(rootfs, "/loop/x"); err == nil {
		t.Error("a link loop resolved")
	}
}

package spec

import (
	"path"
	"path/filepath"
	"strings"
)

// maxPath is PATH_MAX: no longer path can be passed to a syscall.
const maxPath = 4096

// checkPathString refuses what no syscall takes: NUL bytes and paths
// longer than PATH_MAX.
func checkPathString(field, p string) error {
	switch {
	case strings.IndexByte(p, 0) >= 0:
		return fieldErr(field, "contains a NUL byte")
	case len(p) >= maxPath:
		return fieldErr(field, "is %d bytes long, the kernel takes at most %d", len(p), maxPath-1)
	}
	return nil
}

// checkAbsPath requires an absolute path that a syscall can take.
func checkAbsPath(field, p string) error {
	if !filepath.IsAbs(p) {
		return fieldErr(field, "must be an absolute path")
	}
	return checkPathString(field, p)
}

// checkCgroupsPath checks what can be told of linux.cgroupsPath from its
// text: a path of the cgroup hierarchy, not its root, or systemd's
// slice:prefix:name, which needs a systemd cgroup manager myrunc lacks.
func checkCgroupsPath(p string) error {
	const field = "linux.cgroupsPath"
	if p == "" {
		return nil
	}
	if err := checkPathString(field, p); err != nil {
		return err
	}
	if strings.Count(p, ":") == 2 && !strings.HasPrefix(p, "/") {
		return fieldErr(field, "%q is a systemd slice:prefix:name path, but there is no systemd cgroup manager on this host", p)
	}
	if path.Clean("/"+p) == "/" {
		return fieldErr(field, "%q is the root cgroup", p)
	}
	for _, c := range strings.Split(p, "/") {
		if len(c) > 255 {
			return fieldErr(field, "has a component of %d bytes, a directory name takes at most 255", len(c))
		}
	}
	return nil
}

package builder

import (
	"errors"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// mountStubs are the mount points of s (and their parents) that the
// step's root filesystem lacks. The runtime makes them, as empty files
// and directories, in the step's upper layer; Docker keeps them in an
// init layer that never reaches the image, so the build removes them
// once the step's container is gone (see removeStubs).
func mountStubs(rootfs string, s *specs.Spec) ([]string, error) {
	root, err := os.OpenRoot(rootfs)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	seen := map[string]bool{}
	var out []string
	for _, m := range s.Mounts {
		for p := path.Clean("/" + m.Destination); p != "/" && !seen[p]; p = path.Dir(p) {
			seen[p] = true
			if _, err := root.Lstat(strings.TrimPrefix(p, "/")); !errors.Is(err, fs.ErrNotExist) {
				break // it is there (or cannot be told): the image's own
			}
			out = append(out, p)
		}
	}
	return out, nil
}

// removeStubs removes the stubs the RUN left as the runtime made them:
// empty files and empty directories, deepest first. What the command
// put there (a non-empty file or directory) stays.
func removeStubs(rootfs string, stubs []string) error {
	if len(stubs) == 0 {
		return nil
	}
	root, err := os.OpenRoot(rootfs)
	if err != nil {
		return err
	}
	defer root.Close()
	sort.Slice(stubs, func(i, j int) bool { return strings.Count(stubs[i], "/") > strings.Count(stubs[j], "/") })
	for _, p := range stubs {
		name := strings.TrimPrefix(p, "/")
		fi, err := root.Lstat(name)
		if err != nil {
			continue
		}
		if (fi.Mode().IsRegular() && fi.Size() == 0) || (fi.IsDir() && emptyIn(root, name)) {
			if err := root.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
		}
	}
	return nil
}

func emptyIn(root *os.Root, dir string) bool {
	f, err := root.Open(dir)
	return err == nil && emptyDir(f)
}

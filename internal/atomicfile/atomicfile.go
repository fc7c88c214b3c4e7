// Package atomicfile writes files so that a reader sees the old content
// or the new, never a torn file: a temporary file in the same directory,
// renamed over the target.
package atomicfile

import (
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"

	"myrunc/internal/lockfile"
)

const tempInfix = ".tmp-"

// Write replaces path with data.
func Write(path string, data []byte, perm os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+tempInfix+"*")
	if err != nil {
		return err
	}
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Chmod(perm)
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}

// IsTemp tells a temporary of Write (".NAME.tmp-*") from a finished file.
func IsTemp(name string) bool {
	base := filepath.Base(name)
	return strings.HasPrefix(base, ".") && strings.Contains(base, tempInfix)
}

// RemoveStale removes the temporaries of Writes that were killed before
// their rename. Only a caller holding the lock that every writer in dir
// writes under may call it: then no temporary there is still being
// written.
func RemoveStale(dir string) {
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if IsTemp(e.Name()) {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

// WriteSweeping is Write for a directory no other lock guards (a cache):
// under the directory's own lock it first removes what killed writes
// left. Every writer of the directory must use it.
func WriteSweeping(path string, data []byte, perm os.FileMode) error {
	dir := filepath.Dir(path)
	l, err := lockfile.Open(filepath.Join(dir, ".lock"), unix.LOCK_EX, true)
	if err != nil {
		return err
	}
	defer l.Close()
	RemoveStale(dir)
	return Write(path, data, perm)
}

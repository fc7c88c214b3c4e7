package libcontainer

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"

	"myrunc/internal/fastjson"
)

// A container's state directory appears under --root already locked and
// holding a record of its creation (State.Creator): it is made as
// .<id>.new, locked, given the record, then renamed to <id>. So every
// <id> directory says who is making it and where its cgroup will be, and
// a `create` killed at any point leaves something `state` can judge and
// `delete` can remove.

// newDirName is where the state directory of id is made before it is
// renamed into place (a leading dot is never a container id).
func newDirName(root, id string) string { return filepath.Join(root, "."+id+".new") }

// makeStateDir makes <root>/<id> holding rec as state.json, and returns
// it locked. ErrExist if the id is taken.
func makeStateDir(root, id string, rec *State) (*os.File, error) {
	if err := os.MkdirAll(root, 0o711); err != nil {
		return nil, err
	}
	tmp := newDirName(root, id)
	err := os.Mkdir(tmp, 0o711)
	if errors.Is(err, os.ErrExist) && removeIfAbandoned(tmp) {
		// a creator killed before its rename left it
		err = os.Mkdir(tmp, 0o711)
	}
	if errors.Is(err, os.ErrExist) {
		return nil, fmt.Errorf("container %q %w (being created)", id, ErrExist)
	}
	if err != nil {
		return nil, err
	}
	lock, err := lockDir(tmp)
	if err == nil && !sameFile(lock, tmp) {
		// another create of the id took it for abandoned before we locked
		lock.Close()
		return nil, fmt.Errorf("container %q %w (being created)", id, ErrExist)
	}
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("container %q %w (being created)", id, ErrExist)
	}
	if err != nil {
		os.Remove(tmp)
		return nil, err
	}
	err = writeRecord(lock, rec)
	if err == nil {
		err = unix.Renameat2(unix.AT_FDCWD, tmp, unix.AT_FDCWD, filepath.Join(root, id), unix.RENAME_NOREPLACE)
		if errors.Is(err, unix.EEXIST) || errors.Is(err, unix.ENOTEMPTY) {
			err = fmt.Errorf("container %q %w", id, ErrExist)
		} else if err != nil {
			err = &os.LinkError{Op: "rename", Old: tmp, New: filepath.Join(root, id), Err: err}
		}
	}
	if err != nil {
		os.RemoveAll(tmp) // ours: we hold its lock
		lock.Close()
		return nil, err
	}
	return lock, nil
}

// writeRecord writes rec as state.json into the locked, still private
// directory dir: nobody reads it before the rename, so no atomic write.
func writeRecord(dir *os.File, rec *State) error {
	data, err := fastjson.Marshal(rec)
	if err != nil {
		return err
	}
	fd, err := unix.Openat(int(dir.Fd()), stateFile, unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL|unix.O_CLOEXEC, 0o600)
	if err != nil {
		return &os.PathError{Op: "create", Path: filepath.Join(dir.Name(), stateFile), Err: err}
	}
	f := os.NewFile(uintptr(fd), stateFile)
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", filepath.Join(dir.Name(), stateFile), err)
	}
	return nil
}

// removeIfAbandoned removes a .<id>.new directory whose creator is gone
// (its lock is free) and says whether it did.
func removeIfAbandoned(tmp string) bool {
	f, err := os.OpenFile(tmp, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return errors.Is(err, os.ErrNotExist)
	}
	defer f.Close()
	if unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB) != nil {
		return false
	}
	return os.RemoveAll(tmp) == nil
}

// removeStateDir removes a container's state directory with state.json
// last: a delete killed part-way leaves a directory that still says what
// to remove, and the next delete finishes the job.
func removeStateDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.Name() != stateFile {
			if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
				return err
			}
		}
	}
	if err := os.Remove(filepath.Join(dir, stateFile)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return os.Remove(dir)
}

// sameFile says whether the open directory f is still the one at path:
// a lock taken on a directory that was removed, or replaced by another
// create of the same id, while we waited for it, is no lock on the
// container at path.
func sameFile(f *os.File, path string) bool {
	var a, b unix.Stat_t
	return unix.Fstat(int(f.Fd()), &a) == nil && unix.Stat(path, &b) == nil && a.Dev == b.Dev && a.Ino == b.Ino
}

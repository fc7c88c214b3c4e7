package initproc

import (
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/sys/unix"

	"myrunc/libcontainer/user"
)

// lookupExecUser resolves `exec --user NAME[:GROUP]` in the container's
// own /etc/passwd and /etc/group. The init has joined the container's
// mount namespace (or its root, see enterExecRoot), so "/" is the
// container's root: a symlink in its /etc
// resolves inside it, never to a file of the host (as it would through
// /proc/PID/root read from the host).
func lookupExecUser(s *initState) error {
	if s.cfg.ExecUser == "" {
		return nil
	}
	spec, err := user.ParseSpec(s.cfg.ExecUser)
	if err != nil {
		return err
	}
	var f user.Files
	f.Passwd, f.PasswdErr = readIDFile("/etc/passwd", user.ParsePasswd)
	f.Group, f.GroupErr = readIDFile("/etc/group", user.ParseGroup)
	r, err := user.Resolve(spec, f)
	if err != nil {
		return err
	}
	u := &s.spec.Process.User
	u.UID, u.GID = r.UID, r.GID
	// A user namespace that denies setgroups (a rootless one) cannot give
	// the groups /etc/group implies; they were not asked for by name, so
	// they are left out, as runc does. --additional-gids still fail there.
	if len(r.Groups) > 0 && setgroupsAllowed() {
		u.AdditionalGids = append(r.Groups, u.AdditionalGids...)
	}
	if r.Home != "" && getenv(s.spec.Process.Env, "HOME") == "" {
		s.spec.Process.Env = setVar(s.spec.Process.Env, "HOME="+r.Home)
	}
	return nil
}

// maxIDFile bounds what a container's /etc/passwd or /etc/group may make
// us read (it could be a link to /dev/zero).
const maxIDFile = 16 << 20

// readIDFile opens path without blocking (a FIFO must not hang exec),
// insists on a regular file and parses at most maxIDFile bytes of it.
func readIDFile[T any](path string, parse func(io.Reader) ([]T, error)) ([]T, error) {
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_NONBLOCK|unix.O_CLOEXEC|unix.O_NOCTTY, 0)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	f := os.NewFile(uintptr(fd), path)
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	return parse(io.LimitReader(f, maxIDFile))
}

func setgroupsAllowed() bool {
	data, err := os.ReadFile("/proc/self/setgroups")
	return err != nil || strings.TrimSpace(string(data)) != "deny"
}

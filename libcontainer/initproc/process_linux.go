package initproc

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"myrunc/libcontainer/handshake"
)

var rlimitNames = map[string]int{
	"RLIMIT_AS": unix.RLIMIT_AS, "RLIMIT_CORE": unix.RLIMIT_CORE, "RLIMIT_CPU": unix.RLIMIT_CPU,
	"RLIMIT_DATA": unix.RLIMIT_DATA, "RLIMIT_FSIZE": unix.RLIMIT_FSIZE, "RLIMIT_LOCKS": unix.RLIMIT_LOCKS,
	"RLIMIT_MEMLOCK": unix.RLIMIT_MEMLOCK, "RLIMIT_MSGQUEUE": unix.RLIMIT_MSGQUEUE, "RLIMIT_NICE": unix.RLIMIT_NICE,
	"RLIMIT_NOFILE": unix.RLIMIT_NOFILE, "RLIMIT_NPROC": unix.RLIMIT_NPROC, "RLIMIT_RSS": unix.RLIMIT_RSS,
	"RLIMIT_RTPRIO": unix.RLIMIT_RTPRIO, "RLIMIT_RTTIME": unix.RLIMIT_RTTIME, "RLIMIT_SIGPENDING": unix.RLIMIT_SIGPENDING,
	"RLIMIT_STACK": unix.RLIMIT_STACK,
}

func setRlimits(s *initState) error {
	for _, r := range s.spec.Process.Rlimits {
		res, ok := rlimitNames[r.Type]
		if !ok {
			return fmt.Errorf("unknown rlimit %q", r.Type)
		}
		// unix.Setrlimit also tells the Go runtime not to restore its own
		// RLIMIT_NOFILE at exec
		if err := unix.Setrlimit(res, &unix.Rlimit{Cur: r.Soft, Max: r.Hard}); err != nil {
			return fmt.Errorf("setrlimit %s (soft %d, hard %d): %w", r.Type, r.Soft, r.Hard, err)
		}
	}
	return nil
}

func setOomScoreAdj(s *initState) error {
	if s.spec.Process.OOMScoreAdj == nil {
		return nil
	}
	v := strconv.Itoa(*s.spec.Process.OOMScoreAdj)
	// through procfs itself, not whatever the container mounted there
	if err := writeProc("self/oom_score_adj", v); err != nil {
		return fmt.Errorf("set oom_score_adj to %s: %w", v, err)
	}
	return nil
}

func changeDirPrivileged(s *initState) error {
	err := unix.Chdir(cwdOf(s))
	if err == unix.EACCES || err == unix.EPERM {
		return nil // changeDirAsUser tries again
	}
	if err != nil {
		return &os.PathError{Op: "chdir to cwd", Path: cwdOf(s), Err: err}
	}
	s.cwdDone = true
	return nil
}

func changeDirAsUser(s *initState) error {
	if s.cwdDone {
		return nil
	}
	if err := unix.Chdir(cwdOf(s)); err != nil {
		return &os.PathError{Op: "chdir to cwd", Path: cwdOf(s), Err: err}
	}
	return nil
}

func cwdOf(s *initState) string {
	if s.spec.Process.Cwd == "" {
		return "/"
	}
	return s.spec.Process.Cwd
}

func setNoNewPrivs(s *initState) error {
	if !s.spec.Process.NoNewPrivileges {
		return nil
	}
	return os.NewSyscallError("prctl(PR_SET_NO_NEW_PRIVS)", unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
}

// findExecutable resolves args[0] now, so that a missing or
// non-executable command fails `create`, with the words Docker maps to
// exit codes 127 and 126.
func findExecutable(s *initState) error {
	name := s.spec.Process.Args[0]
	p, err := lookPath(name, getenv(s.spec.Process.Env, "PATH"))
	if err != nil {
		return err
	}
	s.execPath = p
	return nil
}

// ExecError is a command that cannot be run; its text is what engines match.
type ExecError struct {
	Name string
	Err  error
}

var errNotFound = errors.New("executable file not found in $PATH")

func (e *ExecError) Error() string { return fmt.Sprintf("exec: %q: %v", e.Name, e.Err) }
func (e *ExecError) Unwrap() error { return e.Err }

func lookPath(name, path string) (string, error) {
	if strings.Contains(name, "/") {
		if err := checkExecutable(name); err != nil {
			return "", &ExecError{name, err}
		}
		return name, nil
	}
	if path == "" {
		path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
	}
	var denied error
	for _, dir := range filepath.SplitList(path) {
		if dir == "" {
			dir = "."
		}
		p := filepath.Join(dir, name)
		err := checkExecutable(p)
		if err == nil {
			return p, nil
		}
		if errors.Is(err, unix.EACCES) && denied == nil {
			denied = err
		}
	}
	if denied != nil {
		return "", &ExecError{name, denied}
	}
	return "", &ExecError{name, errNotFound}
}

// checkExecutable fails with an *os.PathError carrying ENOENT or EACCES.
func checkExecutable(p string) error {
	st, err := os.Stat(p)
	if err != nil {
		return err
	}
	if st.IsDir() {
		return &os.PathError{Op: "exec", Path: p, Err: unix.EACCES}
	}
	// with the effective ids and capabilities, as execve checks: access(2)
	// would use the real ones, and a user with CAP_DAC_OVERRIDE could not
	// run a file only its owner may
	if err := unix.Faccessat(unix.AT_FDCWD, p, unix.X_OK, unix.AT_EACCESS); err != nil {
		return &os.PathError{Op: "exec", Path: p, Err: err}
	}
	return nil
}

// setEnv makes process.env one value per variable, the last one given
// winning at the place of the first (as runc's environment ends up), and
// adds HOME from the container's /etc/passwd when the spec leaves it out
// or empty, as runc and Docker do ("/" for an unknown user).
func setEnv(s *initState) error {
	env := dedupeEnv(s.spec.Process.Env)
	if getenv(env, "HOME") == "" {
		env = setVar(env, "HOME="+homeOf(s.spec.Process.User.UID))
	}
	s.spec.Process.Env = env
	return nil
}

// dedupeEnv keeps one KEY=VALUE per key: the last value, at the first
// key's place.
func dedupeEnv(env []string) []string {
	out := make([]string, 0, len(env))
	at := make(map[string]int, len(env))
	for _, kv := range env {
		k, _, _ := strings.Cut(kv, "=")
		if i, ok := at[k]; ok {
			out[i] = kv
			continue
		}
		at[k] = len(out)
		out = append(out, kv)
	}
	return out
}

// setVar sets kv's key in env, in place if it is there.
func setVar(env []string, kv string) []string {
	k, _, _ := strings.Cut(kv, "=")
	for i, e := range env {
		if ek, _, _ := strings.Cut(e, "="); ek == k {
			env[i] = kv
			return env
		}
	}
	return append(env, kv)
}

func homeOf(uid uint32) string {
	data, err := os.ReadFile("/etc/passwd")
	if err != nil {
		return "/"
	}
	want := strconv.FormatUint(uint64(uid), 10)
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Split(line, ":")
		if len(f) >= 6 && f[2] == want && f[5] != "" {
			return f[5]
		}
	}
	return "/"
}

func getenv(env []string, key string) string {
	for i := len(env) - 1; i >= 0; i-- {
		if k, v, ok := strings.Cut(env[i], "="); ok && k == key {
			return v
		}
	}
	return ""
}

// execProcess becomes the user process: umask, the preserved fds moved
// down to 3, every other descriptor closed on exec (no host fd may reach
// the container), then execve.
func execProcess(s *initState) error {
	umask := 0o022
	if u := s.spec.Process.User.Umask; u != nil {
		umask = int(*u)
	}
	unix.Umask(umask)
	n := s.cfg.PreserveFds
	if s.cfg.Exec && n > 0 {
		// the preserved fds land on 3 and up, where the socket is
		if err := s.child.MoveAbove(handshake.FirstPreservedFd + n); err != nil {
			return err
		}
	}
	for i := 0; i < n; i++ {
		if err := unix.Dup3(handshake.FirstPreservedFd+i, 3+i, 0); err != nil {
			return os.NewSyscallError("dup3 preserved fd", err)
		}
	}
	if err := closeOnExecFrom(3+n, s.fdDir); err != nil {
		return err
	}
	err := unix.Exec(s.execPath, s.spec.Process.Args, s.spec.Process.Env)
	return &os.PathError{Op: "exec", Path: s.execPath, Err: err}
}

// closeOnExecFrom marks every descriptor from fd on close-on-exec. A
// seccomp profile older than close_range(2) may refuse it (filters
// without no_new_privs, or with notify, are already in place here): then
// list the real fd directory, fdDir, opened by keepFdDir (through a clone
// of /proc: a mount over /proc/self/fd could hide descriptors).
func closeOnExecFrom(fd int, fdDir *os.File) error {
	err := unix.CloseRange(uint(fd), ^uint(0), unix.CLOSE_RANGE_CLOEXEC)
	if fdDir != nil {
		defer fdDir.Close()
	}
	if err == nil {
		return nil
	}
	if err != unix.EPERM && err != unix.ENOSYS {
		return os.NewSyscallError("close_range", err)
	}
	if fdDir == nil {
		dir, rerr := openProc("self/fd", unix.O_RDONLY|unix.O_DIRECTORY)
		if rerr != nil {
			return fmt.Errorf("close_range: %w; listing descriptors: %w", err, rerr)
		}
		fdDir = dir
		defer fdDir.Close()
	}
	entries, rerr := fdDir.ReadDir(-1)
	if rerr != nil {
		return fmt.Errorf("close_range: %w; listing descriptors: %w", err, rerr)
	}
	for _, e := range entries {
		if n, err := strconv.Atoi(e.Name()); err == nil && n >= fd {
			unix.CloseOnExec(n)
		}
	}
	return nil
}

// exitCodeFor is the init's exit status after a failure past Ready,
// following the shell's convention for commands that cannot run.
func exitCodeFor(err error) int {
	switch {
	case errors.Is(err, unix.ENOENT):
		return 127
	case errors.Is(err, unix.EACCES):
		return 126
	}
	return 1
}

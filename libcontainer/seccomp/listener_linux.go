package seccomp

import (
	"encoding/json"
	"fmt"
	"os"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"myrunc/internal/eintr"
)

// sendTimeout bounds connecting to the agent and writing to it: an agent
// that never accepts must fail create, not hang it.
const sendTimeout = 30 * time.Second

// ProcessState is what the agent at linux.seccomp.listenerPath gets with
// the listener of process pid (the init, or an exec'd process).
func ProcessState(s *specs.LinuxSeccomp, pid int, st specs.State) *specs.ContainerProcessState {
	return &specs.ContainerProcessState{Version: specs.Version, Fds: []string{specs.SeccompFdName},
		Pid: pid, Metadata: s.ListenerMetadata, State: st}
}

// SendListener connects to the agent's unix socket at path and sends it
// the state with the listener in one message, then closes the connection:
// the runtime-spec's one state per connection.
func SendListener(path string, st *specs.ContainerProcessState, listener *os.File) error {
	data, err := json.Marshal(st)
	if err != nil {
		return err
	}
	fail := func(what string, err error) error {
		return fmt.Errorf("linux.seccomp.listenerPath %s: %s the seccomp agent: %w", path, what, err)
	}
	if len(path) >= len(unix.RawSockaddrUnix{}.Path) {
		return fail("reach", fmt.Errorf("path longer than %d bytes", len(unix.RawSockaddrUnix{}.Path)-1))
	}
	fd, err := unix.Socket(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return fail("reach", os.NewSyscallError("socket", err))
	}
	defer unix.Close(fd)
	// for unix sockets SO_SNDTIMEO bounds connect too
	tv := unix.NsecToTimeval(sendTimeout.Nanoseconds())
	if err := unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_SNDTIMEO, &tv); err != nil {
		return fail("reach", os.NewSyscallError("setsockopt", err))
	}
	if err := eintr.Retry(func() error { return unix.Connect(fd, &unix.SockaddrUnix{Name: path}) }); err != nil {
		return fail("connect to", err)
	}
	var n int
	err = eintr.Retry(func() (err error) {
		n, err = unix.SendmsgN(fd, data, unix.UnixRights(int(listener.Fd())), nil, unix.MSG_NOSIGNAL)
		return err
	})
	for err == nil && n < len(data) {
		var m int
		m, err = unix.SendmsgN(fd, data[n:], nil, nil, unix.MSG_NOSIGNAL)
		if err == unix.EINTR {
			err = nil
		}
		n += max(m, 0)
	}
	if err != nil {
		return fail("send the container process state to", err)
	}
	return nil
}

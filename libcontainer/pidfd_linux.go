package libcontainer

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// sendPidfd gives the process pid, as a pidfd, to whoever listens on the
// unix socket at path (--pidfd-socket): a pidfd names the process itself,
// never a later one that reuses its pid, so a supervisor can signal and
// wait for it safely. The message's text is "pidfd", as runc sends.
func sendPidfd(path string, pid int) error {
	fd, err := unix.PidfdOpen(pid, 0)
	if err != nil {
		return fmt.Errorf("--pidfd-socket: pidfd_open(%d): %w", pid, err)
	}
	defer unix.Close(fd)
	sock, err := unix.Socket(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return os.NewSyscallError("socket", err)
	}
	defer unix.Close(sock)
	if err := unix.Connect(sock, &unix.SockaddrUnix{Name: path}); err != nil {
		return fmt.Errorf("--pidfd-socket: connect to %s: %w", path, err)
	}
	if err := unix.Sendmsg(sock, []byte("pidfd"), unix.UnixRights(fd), nil, 0); err != nil {
		return fmt.Errorf("--pidfd-socket %s: send the pidfd: %w", path, os.NewSyscallError("sendmsg", err))
	}
	return nil
}

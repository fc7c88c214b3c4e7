// Package console passes a container's pty master around and attaches a
// terminal to it. The init makes the pty and sends the master over a unix
// socket (an engine's --console-socket, or a pair when `run`/`exec` in the
// foreground attach the caller's terminal themselves).
package console

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// Dial connects to the unix socket at path (an engine's --console-socket).
func Dial(path string) (*os.File, error) {
	fd, err := unix.Socket(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, os.NewSyscallError("socket", err)
	}
	if err := unix.Connect(fd, &unix.SockaddrUnix{Name: path}); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("connect to console socket %s: %w", path, err)
	}
	return os.NewFile(uintptr(fd), path), nil
}

// Pair is a connected pair: the init sends on the second, the runtime
// receives on the first.
func Pair() (*os.File, *os.File, error) {
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, nil, os.NewSyscallError("socketpair", err)
	}
	return os.NewFile(uintptr(fds[0]), "console-recv"), os.NewFile(uintptr(fds[1]), "console-send"), nil
}

// Send passes fd over sock as one SCM_RIGHTS message, with name (the
// pty's path) as the payload, as engines expect.
func Send(sock *os.File, name string, fd uintptr) error {
	rights := unix.UnixRights(int(fd))
	if err := unix.Sendmsg(int(sock.Fd()), []byte(name), rights, nil, 0); err != nil {
		return fmt.Errorf("send the pty master over the console socket: %w", err)
	}
	return nil
}

// Receive takes the fd Send passed.
func Receive(sock *os.File) (*os.File, error) {
	buf := make([]byte, 4096)
	oob := make([]byte, unix.CmsgSpace(4))
	n, oobn, _, _, err := unix.Recvmsg(int(sock.Fd()), buf, oob, unix.MSG_CMSG_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("receive the pty master: %w", err)
	}
	msgs, err := unix.ParseSocketControlMessage(oob[:oobn])
	if err != nil || len(msgs) != 1 {
		return nil, errors.New("receive the pty master: no descriptor came")
	}
	fds, err := unix.ParseUnixRights(&msgs[0])
	if err != nil || len(fds) != 1 {
		return nil, errors.New("receive the pty master: no descriptor came")
	}
	return os.NewFile(uintptr(fds[0]), string(buf[:n])), nil
}

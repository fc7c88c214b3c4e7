package console

import (
	"os"

	cc "github.com/containerd/console"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// NewPty is the init's side: a pty from the container's own devpts
// (/dev/ptmx is its pts/ptmx), the master sent over sock, the slave kept
// to become the process's stdio and controlling terminal; its Name is the
// pty's path.
func NewPty(sock *os.File, size *specs.Box) (slave *os.File, err error) {
	master, path, err := cc.NewPty()
	if err != nil {
		return nil, err
	}
	defer master.Close()
	if size != nil {
		master.Resize(cc.WinSize{Height: uint16(size.Height), Width: uint16(size.Width)})
	}
	// The slave comes from the master itself (TIOCGPTPEER), not from its
	// path: /dev/pts/N is a name the container may control (an image /dev
	// without a devpts mount), and could point at a procfs file
	// (CVE-2025-52565). The path is only a name for the console socket.
	fd, _, errno := unix.Syscall(unix.SYS_IOCTL, master.Fd(), unix.TIOCGPTPEER,
		unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC)
	if errno != 0 {
		return nil, os.NewSyscallError("ioctl(TIOCGPTPEER)", errno)
	}
	slave = os.NewFile(fd, path)
	// the reader's own terminal adds the CR; two would show as ^M^M
	if err := cc.ClearONLCR(slave.Fd()); err != nil {
		slave.Close()
		return nil, err
	}
	if err := Send(sock, path, master.Fd()); err != nil {
		slave.Close()
		return nil, err
	}
	return slave, nil
}

// BecomeControlling makes tty the calling process's controlling terminal
// in a new session and its stdin, stdout and stderr.
func BecomeControlling(tty *os.File) error {
	if _, err := unix.Setsid(); err != nil {
		return os.NewSyscallError("setsid", err)
	}
	if err := unix.IoctlSetInt(int(tty.Fd()), unix.TIOCSCTTY, 0); err != nil {
		return os.NewSyscallError("ioctl(TIOCSCTTY)", err)
	}
	for fd := 0; fd < 3; fd++ {
		if err := unix.Dup3(int(tty.Fd()), fd, 0); err != nil {
			return os.NewSyscallError("dup3", err)
		}
	}
	return tty.Close()
}

package libcontainer

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"

	"golang.org/x/sys/unix"

	"myrunc/internal/trace"
	"myrunc/libcontainer/handshake"
)

// The create→start gate is a listening unix socket in the state dir, held
// by the init: `start` connects, the init accepts, runs the startContainer
// hooks and execs. The accepted connection is close-on-exec, so `start`
// reads EOF once the user process runs, or the init's error message if a
// hook or the exec failed: start can report both, which a fifo cannot.
const gateFile = "exec.sock"

// shortPath reaches name in dir through /proc/self/fd, since a socket
// path may hold only 107 bytes and state dirs can be deeper than that.
func shortPath(dir *os.File, name string) string {
	return "/proc/self/fd/" + strconv.Itoa(int(dir.Fd())) + "/" + name
}

// listenGate makes the gate socket; the init inherits the listener.
func listenGate(dir string) (*os.File, error) {
	d, err := os.OpenFile(dir, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	fd, err := unix.Socket(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, os.NewSyscallError("socket", err)
	}
	f := os.NewFile(uintptr(fd), gateFile)
	if err := unix.Bind(fd, &unix.SockaddrUnix{Name: shortPath(d, gateFile)}); err != nil {
		f.Close()
		return nil, &os.PathError{Op: "bind", Path: filepath.Join(dir, gateFile), Err: err}
	}
	if err := unix.Listen(fd, 1); err != nil {
		f.Close()
		return nil, os.NewSyscallError("listen", err)
	}
	return f, nil
}

// gateInode is the inode of the gate's listening socket.
func gateInode(f *os.File) uint64 {
	var st unix.Stat_t
	if unix.Fstat(int(f.Fd()), &st) != nil {
		return 0
	}
	return st.Ino
}

// initAtGate says whether the init still holds the gate's listener, i.e.
// still waits for start; where /proc cannot tell, the gate file decides.
func (c *Container) initAtGate() bool {
	if c.state.GateInode == 0 {
		return true
	}
	link, err := os.Readlink("/proc/" + strconv.Itoa(c.state.Pid) + "/fd/" + strconv.Itoa(handshake.GateFd))
	if errors.Is(err, unix.EACCES) || errors.Is(err, unix.EPERM) {
		return true
	}
	return link == "socket:["+strconv.FormatUint(c.state.GateInode, 10)+"]"
}

// openGate connects to the init's gate and waits for the outcome: nil
// once the user process has been exec'd.
func (c *Container) openGate() error {
	d, err := os.OpenFile(c.dir, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer d.Close()
	fd, err := unix.Socket(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return os.NewSyscallError("socket", err)
	}
	conn := os.NewFile(uintptr(fd), "gate")
	defer conn.Close()
	err = unix.Connect(fd, &unix.SockaddrUnix{Name: shortPath(d, gateFile)})
	if errors.Is(err, unix.ECONNREFUSED) || errors.Is(err, unix.ENOENT) {
		return fmt.Errorf("cannot start container %q: its init is gone", c.id)
	}
	if err != nil {
		return fmt.Errorf("start container %q: connect: %w", c.id, err)
	}
	trace.Mark("connected to gate")
	msg, err := io.ReadAll(conn)
	if err != nil && !errors.Is(err, unix.ECONNRESET) {
		return fmt.Errorf("start container %q: %w", c.id, err)
	}
	if len(msg) == 0 {
		return nil
	}
	// the init's failure, as the init worded it
	if ie, err := handshake.ReadError(msg); err == nil {
		return ie
	}
	return fmt.Errorf("start container %q: %s", c.id, msg)
}

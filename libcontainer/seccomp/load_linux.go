package seccomp

import (
	"errors"
	"fmt"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Load installs p, which has no SCMP_ACT_NOTIFY rules, on the calling
// thread (the one that execs).
func Load(p *Program) error {
	if p.Notify {
		return errors.New("seccomp: a filter with SCMP_ACT_NOTIFY rules is loaded with LoadAndSend")
	}
	prog := sockFprog(p)
	_, _, errno := unix.RawSyscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER, uintptr(p.Flags), uintptr(unsafe.Pointer(&prog)))
	if errno != 0 {
		return fmt.Errorf("load the seccomp filter: %w", errno)
	}
	return nil
}

// LoadAndSend installs p, a filter with SCMP_ACT_NOTIFY rules, and sends
// the listener the kernel makes for it over the unix socket sock, with
// payload as the message's bytes; then it closes its own copy (a process
// holding its listener could answer its own notifications).
//
// Until the listener is out, any notified syscall of this thread would
// wait for an agent that cannot have it yet: the filter may notify
// fcntl, futex, mmap, close... So the message is built first and the two
// syscalls follow each other with nothing in between that could make a
// syscall (see loadSend). A notified close afterwards waits for the agent,
// which then has the listener, or for the runtime to give up on it.
func LoadAndSend(p *Program, sock int, payload []byte) error {
	if !p.Notify {
		return errors.New("seccomp: LoadAndSend needs a filter with SCMP_ACT_NOTIFY rules")
	}
	if len(payload) == 0 {
		return errors.New("seccomp: LoadAndSend needs a payload")
	}
	prog := sockFprog(p)
	// the fd goes into the control message once the kernel made it
	oob := unix.UnixRights(0)
	iov := unix.Iovec{Base: &payload[0]}
	iov.SetLen(len(payload))
	msg := unix.Msghdr{Iov: &iov, Iovlen: 1, Control: &oob[0]}
	msg.SetControllen(len(oob))
	fdSlot := (*int32)(unsafe.Pointer(&oob[unix.CmsgLen(0)]))
	a := loadSendArgs{flags: uintptr(p.Flags) | unix.SECCOMP_FILTER_FLAG_NEW_LISTENER,
		prog: &prog, sock: uintptr(sock), msg: &msg, fdSlot: fdSlot}
	listener, sent, step, errno := loadSend(&a)
	if errno != 0 && step == "load" {
		return fmt.Errorf("load the seccomp filter: %w", errno)
	}
	// a short send left the frame cut: the runtime reports the broken frame
	if errno != 0 || sent != len(payload) {
		unix.Close(int(listener))
		if errno == 0 {
			errno = unix.EMSGSIZE
		}
		return fmt.Errorf("send the seccomp listener to the runtime: %w", errno)
	}
	unix.Close(int(listener))
	return nil
}

type loadSendArgs struct {
	flags  uintptr
	prog   *unix.SockFprog
	sock   uintptr
	msg    *unix.Msghdr
	fdSlot *int32
}

// loadSend makes the two syscalls back to back. It is nosplit and calls
// only nosplit code: the Go runtime cannot preempt it in between (and so
// cannot park this thread on a futex, which the filter may notify).
//
//go:nosplit
func loadSend(a *loadSendArgs) (listener uintptr, sent int, step string, errno unix.Errno) {
	r, _, e := unix.RawSyscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER, a.flags, uintptr(unsafe.Pointer(a.prog)))
	if e != 0 {
		return 0, 0, "load", e
	}
	*a.fdSlot = int32(r)
	for {
		n, _, e := unix.RawSyscall(unix.SYS_SENDMSG, a.sock, uintptr(unsafe.Pointer(a.msg)), unix.MSG_NOSIGNAL)
		if e != unix.EINTR {
			return r, int(n), "send", e
		}
	}
}

func sockFprog(p *Program) unix.SockFprog {
	return unix.SockFprog{Len: uint16(len(p.BPF) / 8), Filter: (*unix.SockFilter)(unsafe.Pointer(&p.BPF[0]))}
}

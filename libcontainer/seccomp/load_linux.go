package seccomp

import (
	"fmt"
	"os"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Load installs p on the calling thread (the one that execs); with Notify
// it returns the listener fd the kernel made for it.
func Load(p *Program) (*os.File, error) {
	n := len(p.BPF) / 8
	prog := unix.SockFprog{Len: uint16(n), Filter: (*unix.SockFilter)(unsafe.Pointer(&p.BPF[0]))}
	flags := uintptr(p.Flags)
	if p.Notify {
		flags |= unix.SECCOMP_FILTER_FLAG_NEW_LISTENER
	}
	r, _, errno := unix.RawSyscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER, flags, uintptr(unsafe.Pointer(&prog)))
	if errno != 0 {
		return nil, fmt.Errorf("load the seccomp filter: %w", errno)
	}
	if p.Notify {
		return os.NewFile(r, "seccomp-notify"), nil
	}
	return nil, nil
}

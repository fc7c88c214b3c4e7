// Package rawfile reads small files (procfs, cgroupfs, state files) with
// plain open/read/close. os.ReadFile costs five more syscalls a file on
// Linux (the new *os.File tries the poller, is refused for a regular
// file and is set back to blocking, then fstat), which on a virtual
// machine cost microseconds each; `list` reads three files a container.
package rawfile

import (
	"os"

	"golang.org/x/sys/unix"
)

// ReadFile is os.ReadFile: the whole file, or an *os.PathError.
func ReadFile(path string) ([]byte, error) {
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	for err == unix.EINTR {
		fd, err = unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	}
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	defer unix.Close(fd)
	// procfs and cgroupfs files report size 0: read until EOF
	buf := make([]byte, 0, 512)
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := unix.Read(fd, buf[len(buf):cap(buf)])
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return nil, &os.PathError{Op: "read", Path: path, Err: err}
		}
		if n == 0 {
			return buf, nil
		}
		buf = buf[:len(buf)+n]
	}
}

// Writers holds files open for writing, each opened once at its first
// Write. Every Write is one write(2): a cgroup file (devices.allow)
// takes one command per write, and a line a file through os.WriteFile
// costs eight syscalls where this costs one.
type Writers map[string]int

// Write writes data to path with one write(2), opening path (O_WRONLY,
// no create) the first time. Errors are *os.PathError.
func (w Writers) Write(path string, data []byte) error {
	fd, ok := w[path]
	if !ok {
		var err error
		fd, err = unix.Open(path, unix.O_WRONLY|unix.O_CLOEXEC, 0)
		for err == unix.EINTR {
			fd, err = unix.Open(path, unix.O_WRONLY|unix.O_CLOEXEC, 0)
		}
		if err != nil {
			return &os.PathError{Op: "open", Path: path, Err: err}
		}
		w[path] = fd
	}
	n, err := unix.Write(fd, data)
	for err == unix.EINTR {
		n, err = unix.Write(fd, data)
	}
	if err == nil && n != len(data) {
		err = unix.EIO // a cgroup file takes a command whole or not at all
	}
	if err != nil {
		return &os.PathError{Op: "write", Path: path, Err: err}
	}
	return nil
}

// Close closes every file.
func (w Writers) Close() {
	for path, fd := range w {
		unix.Close(fd)
		delete(w, path)
	}
}

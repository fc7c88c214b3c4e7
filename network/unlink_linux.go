package network

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"syscall"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// deleteLink deletes a link (a veth takes its peer with it) and returns
// once the kernel has unregistered it: unlisted, off its bridge, its
// addresses and routes gone, RTM_DELLINK sent. The kernel answers the
// request itself only later, after an RCU barrier and waiting for the
// device's last references (10-25 ms here): on rm -f's critical path for
// nothing a user can see, so the answer is left to a goroutine.
func deleteLink(name string) error {
	l, err := netlink.LinkByName(name)
	if err != nil {
		if isNotFound(err) {
			return nil
		}
		return err
	}
	// the request's socket is opened here, in this thread's network
	// namespace: the goroutine that sends it may run on any thread
	h, err := netlink.NewHandle(unix.NETLINK_ROUTE)
	if err != nil {
		return fmt.Errorf("delete %s: %w", name, err)
	}
	unlisted, stop := watchUnregister(l.Attrs().Index)
	acked := make(chan error, 1)
	go func() {
		defer h.Close()
		acked <- h.LinkDel(l)
	}()
	select {
	case err = <-acked:
	case <-unlisted:
	}
	stop()
	if err != nil && !isNotFound(err) {
		return fmt.Errorf("delete %s: %w", name, err)
	}
	return nil
}

// watchUnregister reports on the returned channel when the kernel
// announces that link index is unregistered. It watches the links of
// this network namespace from the call on (the caller deletes the link
// after it returns); stop ends the watch. Without a netlink socket the
// channel never fires (the caller waits for the kernel's answer).
func watchUnregister(index int) (<-chan struct{}, func()) {
	gone := make(chan struct{})
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC|unix.SOCK_NONBLOCK, unix.NETLINK_ROUTE)
	if err != nil {
		return gone, func() {}
	}
	if err := unix.Bind(fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK, Groups: 1 << (unix.RTNLGRP_LINK - 1)}); err != nil {
		unix.Close(fd)
		return gone, func() {}
	}
	// the runtime's poller lets Close end a blocked read
	f := os.NewFile(uintptr(fd), "rtnetlink")
	rc, err := f.SyscallConn()
	if err != nil {
		f.Close()
		return gone, func() {}
	}
	go func() {
		buf := make([]byte, 64<<10)
		for {
			var n int
			var from unix.Sockaddr
			var rerr error
			if err := rc.Read(func(fd uintptr) bool {
				n, from, rerr = unix.Recvfrom(int(fd), buf, 0)
				return !errors.Is(rerr, unix.EAGAIN)
			}); err != nil {
				return // closed
			}
			if rerr != nil {
				if errors.Is(rerr, unix.ENOBUFS) { // missed some: the answer will tell
					continue
				}
				return
			}
			if sa, ok := from.(*unix.SockaddrNetlink); ok && sa.Pid == 0 && announcesUnregister(buf[:n], index) {
				close(gone)
				return
			}
		}
	}()
	return gone, func() { f.Close() }
}

// announcesUnregister tells whether the rtnetlink messages in b include
// the kernel's RTM_DELLINK of link index (not the bridge layer's
// RTM_DELLINK of the port, family AF_BRIDGE, which comes earlier).
func announcesUnregister(b []byte, index int) bool {
	msgs, err := syscall.ParseNetlinkMessage(b)
	if err != nil {
		return false
	}
	for _, m := range msgs {
		if m.Header.Type != unix.RTM_DELLINK || len(m.Data) < unix.SizeofIfInfomsg {
			continue
		}
		family := m.Data[0]
		ifindex := int32(binary.NativeEndian.Uint32(m.Data[4:8]))
		if family == unix.AF_UNSPEC && int(ifindex) == index {
			return true
		}
	}
	return false
}

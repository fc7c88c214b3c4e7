package network

import (
	"bytes"
	"encoding/binary"
	"os"
	"strings"
	"unsafe"

	"golang.org/x/sys/unix"
)

// x_tables' socket options and layouts (linux/netfilter_ipv4/ip_tables.h),
// read-only: what iptables-legacy has set as the filter FORWARD policy.
const (
	iptSoGetInfo    = 64 // IPT_SO_GET_INFO
	iptSoGetEntries = 65 // IPT_SO_GET_ENTRIES
	nfInetForward   = 2
	getInfoSize     = 84 // struct ipt_getinfo
	getEntriesHead  = 40 // struct ipt_get_entries up to entrytable (8-aligned)
	entryTargetOff  = 88 // ipt_entry.target_offset
	targetHeadSize  = 32 // struct xt_entry_target
	verdictDrop     = -1 // -NF_DROP - 1
)

// legacyForwardDrops: iptables-legacy's filter table exists in this netns
// and drops forwarded packets by policy. Our nftables rules cannot let
// anything past that, nor can we add rules there without iptables.
// /proc/net/ip_tables_names is read first: asking the kernel for a table
// that does not exist would load and create it.
func legacyForwardDrops() bool {
	names, err := os.ReadFile("/proc/net/ip_tables_names")
	if err != nil || !strings.Contains("\n"+string(names), "\nfilter\n") {
		return false
	}
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.IPPROTO_RAW)
	if err != nil {
		return false
	}
	defer unix.Close(fd)
	info := make([]byte, getInfoSize)
	copy(info, "filter")
	if getsockopt(fd, iptSoGetInfo, info) != nil {
		return false
	}
	le := binary.NativeEndian
	underflow := le.Uint32(info[32+4+20+4*nfInetForward:])
	size := le.Uint32(info[getInfoSize-4:])
	if uint64(underflow)+entryTargetOff+targetHeadSize+4 > uint64(size) || size > 64<<20 {
		return false
	}
	entries := make([]byte, getEntriesHead+int(size))
	copy(entries, "filter")
	le.PutUint32(entries[32:], size)
	if getsockopt(fd, iptSoGetEntries, entries) != nil {
		return false
	}
	e := entries[getEntriesHead+int(underflow):]
	toff := int(le.Uint16(e[entryTargetOff:]))
	if toff+targetHeadSize+4 > len(e) {
		return false
	}
	name := e[toff+2 : toff+2+29]
	if n := bytes.IndexByte(name, 0); n >= 0 {
		name = name[:n]
	}
	return len(name) == 0 && int32(le.Uint32(e[toff+targetHeadSize:])) == verdictDrop
}

func getsockopt(fd, opt int, buf []byte) error {
	l := uint32(len(buf))
	_, _, errno := unix.Syscall6(unix.SYS_GETSOCKOPT, uintptr(fd), unix.IPPROTO_IP, uintptr(opt),
		uintptr(unsafe.Pointer(&buf[0])), uintptr(unsafe.Pointer(&l)), 0)
	if errno != 0 {
		return errno
	}
	return nil
}

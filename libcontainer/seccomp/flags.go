package seccomp

import (
	"fmt"
	"sort"
	"sync"
	"unsafe"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// waitKillableRecv is SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (Linux 5.19):
// meaningful, and accepted, only with a notify listener.
const waitKillableRecv = 1 << 5

// filterFlagBits are the linux.seccomp.flags this runtime knows, as
// seccomp(2) flag bits.
var filterFlagBits = map[specs.LinuxSeccompFlag]uint{
	specs.LinuxSeccompFlagLog:              unix.SECCOMP_FILTER_FLAG_LOG,
	specs.LinuxSeccompFlagSpecAllow:        unix.SECCOMP_FILTER_FLAG_SPEC_ALLOW,
	specs.LinuxSeccompFlagWaitKillableRecv: waitKillableRecv,
	"SECCOMP_FILTER_FLAG_TSYNC":            unix.SECCOMP_FILTER_FLAG_TSYNC,
}

// kernelFlags probes, once, which flag bits the running kernel takes:
// seccomp(SET_MODE_FILTER) with no program fails with EFAULT for a flag it
// knows (it got as far as reading the program) and EINVAL for one it does
// not; nothing is installed either way.
var kernelFlags = sync.OnceValue(func() map[uint]bool {
	ok := map[uint]bool{}
	for _, bit := range filterFlagBits {
		probe := bit
		if bit == waitKillableRecv {
			probe |= unix.SECCOMP_FILTER_FLAG_NEW_LISTENER // it needs one
		}
		_, _, errno := unix.RawSyscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER, uintptr(probe), uintptr(unsafe.Pointer(nil)))
		ok[bit] = errno == unix.EFAULT
	}
	return ok
})

// flagBits maps a profile's flags to seccomp(2) flags. Flags left out
// (nil, not an empty list) mean SPEC_ALLOW where the kernel has it, as
// runc does: the seccomp default otherwise forces the speculative store
// bypass mitigation on every process with a filter.
func flagBits(flags []specs.LinuxSeccompFlag) (uint, error) {
	if flags == nil {
		if kernelFlags()[unix.SECCOMP_FILTER_FLAG_SPEC_ALLOW] {
			return unix.SECCOMP_FILTER_FLAG_SPEC_ALLOW, nil
		}
		return 0, nil
	}
	var bits uint
	for _, fl := range flags {
		bit, ok := filterFlagBits[fl]
		if !ok {
			return 0, fmt.Errorf("linux.seccomp.flags: unknown flag %q", fl)
		}
		if !kernelFlags()[bit] {
			return 0, fmt.Errorf("linux.seccomp.flags: %s: the kernel does not support it", fl)
		}
		bits |= bit
	}
	return bits, nil
}

// SupportedFlags are the flags this runtime knows and the kernel takes.
func SupportedFlags() (known, supported []string) {
	for name, bit := range filterFlagBits {
		known = append(known, string(name))
		if kernelFlags()[bit] {
			supported = append(supported, string(name))
		}
	}
	sort.Strings(known)
	sort.Strings(supported)
	return known, supported
}

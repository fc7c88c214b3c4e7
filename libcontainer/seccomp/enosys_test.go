package seccomp

import (
	"encoding/binary"
	"testing"

	"golang.org/x/sys/unix"
)

// run interprets prog (stub + program) on (arch, nr): the few classic
// BPF instructions the stub and the fake filter below use.
func run(t *testing.T, prog []byte, arch, nr uint32) uint32 {
	t.Helper()
	var acc uint32
	for pc := 0; pc*8 < len(prog); pc++ {
		b := prog[pc*8:]
		code, jt, jf, k := binary.NativeEndian.Uint16(b), int(b[2]), int(b[3]), binary.NativeEndian.Uint32(b[4:])
		cond := func(ok bool) {
			if ok {
				pc += jt
			} else {
				pc += jf
			}
		}
		switch code {
		case bpfLdWAbs:
			acc = map[uint32]uint32{dataNr: nr, dataArch: arch}[k]
		case bpfJa:
			pc += int(k)
		case bpfJeqK:
			cond(acc == k)
		case bpfJgtK:
			cond(acc > k)
		case bpfJsetK:
			cond(acc&k != 0)
		case bpfRetK:
			return k
		default:
			t.Fatalf("unknown opcode %#x", code)
		}
	}
	t.Fatal("ran off the end")
	return 0
}

func TestEnosysStub(t *testing.T) {
	stub, err := enosysStub([]archLimit{
		{audit: unix.AUDIT_ARCH_X86_64, last: 334, lastX32: 547 | x32SyscallBit},
		{audit: unix.AUDIT_ARCH_I386, last: 450},
		{audit: unix.AUDIT_ARCH_AARCH64}, // nothing named: not checked
	})
	if err != nil {
		t.Fatal(err)
	}
	// the "filter": EPERM for everything
	filter := make([]byte, 8)
	binary.NativeEndian.PutUint16(filter, bpfRetK)
	binary.NativeEndian.PutUint32(filter[4:], retErrno|1)
	prog := append(stub, filter...)
	for _, c := range []struct {
		arch, nr, want uint32
	}{
		{unix.AUDIT_ARCH_X86_64, 0, retErrno | 1},
		{unix.AUDIT_ARCH_X86_64, 334, retErrno | 1},
		{unix.AUDIT_ARCH_X86_64, 335, retErrno | enosys},
		{unix.AUDIT_ARCH_X86_64, 1000, retErrno | enosys},
		{unix.AUDIT_ARCH_X86_64, x32SyscallBit | 547, retErrno | 1},
		{unix.AUDIT_ARCH_X86_64, x32SyscallBit | 548, retErrno | enosys},
		{unix.AUDIT_ARCH_I386, 450, retErrno | 1},
		{unix.AUDIT_ARCH_I386, 451, retErrno | enosys},
		{unix.AUDIT_ARCH_AARCH64, 5000, retErrno | 1},
		{0x1234, 5000, retErrno | 1},
	} {
		if got := run(t, prog, c.arch, c.nr); got != c.want {
			t.Errorf("arch %#x nr %#x: %#x, want %#x", c.arch, c.nr, got, c.want)
		}
	}
	if stub, _ := enosysStub([]archLimit{{audit: unix.AUDIT_ARCH_X86_64}}); stub != nil {
		t.Fatal("a stub with nothing to check")
	}
}

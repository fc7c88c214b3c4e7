package seccomp

import (
	"encoding/binary"
	"fmt"
)

// Syscalls newer than a profile knows should fail with ENOSYS, not with
// the profile's default action: a C library tries clone3, close_range or
// faccessat2 first and falls back to the older call only on ENOSYS, so an
// EPERM default breaks programs on kernels newer than the profile. As
// runc does, a stub goes in front of the compiled filter: for each
// architecture, a syscall numbered above the largest one the profile
// names returns ENOSYS; everything else goes on to the filter.

// archLimit is the largest syscall number a profile names on one
// architecture (audit arch), with x32 (x86-64 with the x32 bit) apart.
type archLimit struct {
	audit uint32
	// last is the largest native syscall number, 0: none named
	last uint32
	// x32: lastX32 applies to numbers with the x32 bit (0: not tracked,
	// such calls go to the filter)
	lastX32 uint32
}

const (
	x32SyscallBit = 0x40000000
	enosys        = 38
	retErrno      = 0x00050000 // SECCOMP_RET_ERRNO

	// classic BPF opcodes
	bpfLdWAbs = 0x20 // BPF_LD|BPF_W|BPF_ABS
	bpfJa     = 0x05 // BPF_JMP|BPF_JA
	bpfJeqK   = 0x15 // BPF_JMP|BPF_JEQ|BPF_K
	bpfJgtK   = 0x25 // BPF_JMP|BPF_JGT|BPF_K
	bpfJsetK  = 0x45 // BPF_JMP|BPF_JSET|BPF_K
	bpfRetK   = 0x06 // BPF_RET|BPF_K

	// offsets in struct seccomp_data
	dataNr   = 0
	dataArch = 4
)

// insn is one instruction whose jump targets are labels, resolved by
// assemble.
type insn struct {
	code   uint16
	k      uint32
	jt, jf string // labels for conditional jumps; jt for ja
	label  string // this instruction's label
}

// enosysStub is the stub for limits, in the kernel's sock_filter layout,
// to be put in front of a program. nil when there is nothing to check.
func enosysStub(limits []archLimit) ([]byte, error) {
	var prog []insn
	var blocks [][]insn
	prog = append(prog, insn{code: bpfLdWAbs, k: dataArch})
	for i, l := range limits {
		if l.last == 0 && l.lastX32 == 0 {
			continue
		}
		name := fmt.Sprintf("arch%d", i)
		prog = append(prog, insn{code: bpfJeqK, k: l.audit, jt: name})
		block := []insn{{code: bpfLdWAbs, k: dataNr, label: name}}
		native := limitCheck(l.last)
		if l.lastX32 != 0 {
			block = append(block, insn{code: bpfJsetK, k: x32SyscallBit, jt: name + "x32"})
		}
		block = append(block, native)
		if l.lastX32 != 0 {
			x := limitCheck(l.lastX32 | x32SyscallBit)
			x.label = name + "x32"
			block = append(block, x)
		}
		blocks = append(blocks, block)
	}
	if len(blocks) == 0 {
		return nil, nil
	}
	prog = append(prog, insn{code: bpfJa, jt: "filter"})
	for _, b := range blocks {
		prog = append(prog, b...)
	}
	prog = append(prog, insn{code: bpfRetK, k: retErrno | enosys, label: "enosys"})
	return assemble(prog)
}

// limitCheck: a number above last is ENOSYS, else the filter decides.
func limitCheck(last uint32) insn {
	if last == 0 {
		return insn{code: bpfJa, jt: "filter"}
	}
	return insn{code: bpfJgtK, k: last, jt: "enosys", jf: "filter"}
}

// assemble resolves labels ("filter" is the first instruction after the
// stub) and encodes struct sock_filter {u16 code; u8 jt; u8 jf; u32 k}.
func assemble(prog []insn) ([]byte, error) {
	at := map[string]int{"filter": len(prog)}
	for i, in := range prog {
		if in.label != "" {
			at[in.label] = i
		}
	}
	out := make([]byte, 0, 8*len(prog))
	for i, in := range prog {
		jt, jf, k := 0, 0, in.k
		rel := func(label string) (int, error) {
			if label == "" {
				return 0, nil
			}
			t, ok := at[label]
			if !ok || t <= i {
				return 0, fmt.Errorf("seccomp stub: bad jump to %q", label)
			}
			return t - i - 1, nil
		}
		var err error
		if in.code == bpfJa {
			var off int
			off, err = rel(in.jt)
			k = uint32(off)
		} else {
			if jt, err = rel(in.jt); err == nil {
				jf, err = rel(in.jf)
			}
			if jt > 255 || jf > 255 {
				err = fmt.Errorf("seccomp stub: jump too far")
			}
		}
		if err != nil {
			return nil, err
		}
		var b [8]byte
		binary.NativeEndian.PutUint16(b[0:], in.code)
		b[2], b[3] = byte(jt), byte(jf)
		binary.NativeEndian.PutUint32(b[4:], k)
		out = append(out, b[:]...)
	}
	return out, nil
}

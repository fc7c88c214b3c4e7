package seccomp

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// Classic BPF as the kernel's seccomp takes it (linux/filter.h,
// kernel/seccomp.c).
const (
	insnSize    = 8    // struct sock_filter: u16 code, u8 jt, u8 jf, u32 k
	maxInsns    = 4096 // BPF_MAXINSNS
	dataSize    = 64   // struct seccomp_data
	memWords    = 16   // BPF_MEMWORDS
	classLD     = 0x00
	classLDX    = 0x01
	classST     = 0x02
	classSTX    = 0x03
	classALU    = 0x04
	classJMP    = 0x05
	classRET    = 0x06
	classMISC   = 0x07
	modeABS     = 0x20
	modeMEM     = 0x60
	opJA        = 0x00
	aluDiv      = 0x30
	aluMod      = 0x90
	srcK        = 0x00
	modeMask    = 0xe0
	opMask      = 0xf0
	sizeMask    = 0x18
	sizeW       = 0x00
	srcMask     = 0x08
	jmpCondMask = 0xf0
)

// Verify checks that p is a program the kernel's seccomp would take and
// that runs to a return: its size, every jump inside it, loads within
// seccomp_data (aligned words), scratch memory in range, no division by
// a constant zero, and a return at the end. A cached program is verified
// before it is loaded; the compiler's output always passes.
func Verify(p *Program) error {
	if p == nil {
		return errors.New("seccomp program: none")
	}
	if len(p.BPF) == 0 || len(p.BPF)%insnSize != 0 {
		return fmt.Errorf("seccomp program: %d bytes is not a whole number of instructions", len(p.BPF))
	}
	n := len(p.BPF) / insnSize
	if n > maxInsns {
		return fmt.Errorf("seccomp program: %d instructions, the kernel takes at most %d", n, maxInsns)
	}
	for i := 0; i < n; i++ {
		if err := verifyInsn(p.BPF[i*insnSize:(i+1)*insnSize], i, n); err != nil {
			return fmt.Errorf("seccomp program: instruction %d: %w", i, err)
		}
	}
	if last := binary.NativeEndian.Uint16(p.BPF[(n-1)*insnSize:]); last&0x07 != classRET {
		return errors.New("seccomp program: it does not end with a return")
	}
	return nil
}

func verifyInsn(b []byte, i, n int) error {
	code := binary.NativeEndian.Uint16(b)
	jt, jf := int(b[2]), int(b[3])
	k := binary.NativeEndian.Uint32(b[4:])
	switch code & 0x07 {
	case classLD, classLDX:
		switch code & modeMask {
		case modeABS:
			if code&0x07 != classLD || code&sizeMask != sizeW || k >= dataSize || k%4 != 0 {
				return fmt.Errorf("load of seccomp_data at %d", k)
			}
		case modeMEM:
			if k >= memWords {
				return fmt.Errorf("scratch word %d", k)
			}
		}
	case classST, classSTX:
		if k >= memWords {
			return fmt.Errorf("scratch word %d", k)
		}
	case classALU:
		if op := code & opMask; (op == aluDiv || op == aluMod) && code&srcMask == srcK && k == 0 {
			return errors.New("division by zero")
		}
	case classJMP:
		if code&jmpCondMask == opJA {
			if uint64(i)+1+uint64(k) >= uint64(n) {
				return fmt.Errorf("jump of %d past the end", k)
			}
		} else if i+1+jt >= n || i+1+jf >= n {
			return fmt.Errorf("jump of %d/%d past the end", jt, jf)
		}
	case classRET, classMISC:
	}
	return nil
}

//go:build cgo && !myrunc_init

package seccomp

import (
	"slices"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	libseccomp "github.com/seccomp/libseccomp-golang"
	"golang.org/x/sys/unix"
)

// auditArch is the kernel's name (seccomp_data.arch) of each libseccomp
// architecture the stub knows; x32 shares x86-64's, with the x32 bit.
var auditArch = map[libseccomp.ScmpArch]uint32{
	libseccomp.ArchAMD64: unix.AUDIT_ARCH_X86_64, libseccomp.ArchX32: unix.AUDIT_ARCH_X86_64,
	libseccomp.ArchX86: unix.AUDIT_ARCH_I386, libseccomp.ArchARM64: unix.AUDIT_ARCH_AARCH64,
	libseccomp.ArchARM: unix.AUDIT_ARCH_ARM, libseccomp.ArchPPC64LE: unix.AUDIT_ARCH_PPC64LE,
	libseccomp.ArchPPC64: unix.AUDIT_ARCH_PPC64, libseccomp.ArchS390X: unix.AUDIT_ARCH_S390X,
	libseccomp.ArchRISCV64: unix.AUDIT_ARCH_RISCV64,
}

// withEnosysStub puts the ENOSYS stub (enosys.go) in front of bpf, unless
// unknown syscalls get the default action anyway without harm: an allowing
// or logging default, or a default errno of ENOSYS itself.
func withEnosysStub(s *specs.LinuxSeccomp, bpf []byte) ([]byte, error) {
	switch s.DefaultAction {
	case specs.ActAllow, specs.ActLog:
		return bpf, nil
	case specs.ActErrno:
		if s.DefaultErrnoRet != nil && *s.DefaultErrnoRet == enosys {
			return bpf, nil
		}
	}
	stub, err := enosysStub(enosysLimits(s))
	if err != nil || stub == nil {
		return bpf, err
	}
	return append(stub, bpf...), nil
}

// enosysLimits finds the largest syscall the profile names on each of its
// architectures, the native one always included (profiles may leave it out).
func enosysLimits(s *specs.LinuxSeccomp) []archLimit {
	archs := map[libseccomp.ScmpArch]bool{}
	if native, err := libseccomp.GetNativeArch(); err == nil {
		archs[native] = true
	}
	for _, a := range s.Architectures {
		if arch, err := libseccomp.GetArchFromString(archNames[a]); err == nil {
			archs[arch] = true
		}
	}
	byAudit := map[uint32]*archLimit{}
	var order []uint32
	for arch := range archs {
		audit, ok := auditArch[arch]
		if !ok {
			continue
		}
		last := largestSyscall(s, arch)
		l := byAudit[audit]
		if l == nil {
			l = &archLimit{audit: audit}
			byAudit[audit] = l
			order = append(order, audit)
		}
		if arch == libseccomp.ArchX32 {
			l.lastX32 = last
		} else {
			l.last = last
		}
	}
	slices.Sort(order) // the same program for the same profile
	limits := make([]archLimit, 0, len(order))
	for _, a := range order {
		limits = append(limits, *byAudit[a])
	}
	return limits
}

func largestSyscall(s *specs.LinuxSeccomp, arch libseccomp.ScmpArch) uint32 {
	var last uint32
	for _, sc := range s.Syscalls {
		for _, name := range sc.Names {
			nr, err := libseccomp.GetSyscallFromNameByArch(name, arch)
			if err == nil && nr >= 0 && uint32(nr) > last {
				last = uint32(nr)
			}
		}
	}
	return last
}

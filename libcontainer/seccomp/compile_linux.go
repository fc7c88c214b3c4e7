//go:build cgo && !myrunc_init

// Package seccomp turns config.json's linux.seccomp into a BPF program
// (Compile, in the runtime, with libseccomp) and installs it (Load, in
// the init, a plain syscall): the init neither parses profiles nor needs
// libseccomp's state.
package seccomp

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"sort"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	libseccomp "github.com/seccomp/libseccomp-golang"
	"golang.org/x/sys/unix"
)

var actions = map[specs.LinuxSeccompAction]libseccomp.ScmpAction{
	specs.ActKill:        libseccomp.ActKillThread,
	specs.ActKillThread:  libseccomp.ActKillThread,
	specs.ActKillProcess: libseccomp.ActKillProcess,
	specs.ActTrap:        libseccomp.ActTrap,
	specs.ActErrno:       libseccomp.ActErrno,
	specs.ActTrace:       libseccomp.ActTrace,
	specs.ActAllow:       libseccomp.ActAllow,
	specs.ActLog:         libseccomp.ActLog,
	specs.ActNotify:      libseccomp.ActNotify,
}

var operators = map[specs.LinuxSeccompOperator]libseccomp.ScmpCompareOp{
	specs.OpNotEqual:     libseccomp.CompareNotEqual,
	specs.OpLessThan:     libseccomp.CompareLess,
	specs.OpLessEqual:    libseccomp.CompareLessOrEqual,
	specs.OpEqualTo:      libseccomp.CompareEqual,
	specs.OpGreaterEqual: libseccomp.CompareGreaterEqual,
	specs.OpGreaterThan:  libseccomp.CompareGreater,
	specs.OpMaskedEqual:  libseccomp.CompareMaskedEqual,
}

var archNames = map[specs.Arch]string{
	specs.ArchX86: "x86", specs.ArchX86_64: "amd64", specs.ArchX32: "x32",
	specs.ArchARM: "arm", specs.ArchAARCH64: "arm64", specs.ArchMIPS: "mips",
	specs.ArchMIPS64: "mips64", specs.ArchMIPS64N32: "mips64n32", specs.ArchMIPSEL: "mipsel",
	specs.ArchMIPSEL64: "mipsel64", specs.ArchMIPSEL64N32: "mipsel64n32", specs.ArchPPC: "ppc",
	specs.ArchPPC64: "ppc64", specs.ArchPPC64LE: "ppc64le", specs.ArchS390: "s390",
	specs.ArchS390X: "s390x", specs.ArchRISCV64: "riscv64",
}

// Compile builds the filter. Syscall names this libseccomp does not know
// are skipped (profiles list syscalls of newer kernels), as runc does.
func Compile(s *specs.LinuxSeccomp) (*Program, error) {
	def, err := action(s.DefaultAction, s.DefaultErrnoRet)
	if err != nil {
		return nil, fmt.Errorf("linux.seccomp.defaultAction: %w", err)
	}
	f, err := libseccomp.NewFilter(def)
	if err != nil {
		return nil, fmt.Errorf("seccomp: %w", err)
	}
	defer f.Release()
	// we set no_new_privs ourselves, when the spec asks for it
	if err := f.SetNoNewPrivsBit(false); err != nil {
		return nil, err
	}
	for i, a := range s.Architectures {
		name, ok := archNames[a]
		if !ok {
			return nil, fmt.Errorf("linux.seccomp.architectures[%d]: unknown architecture %q", i, a)
		}
		arch, err := libseccomp.GetArchFromString(name)
		if err != nil {
			return nil, fmt.Errorf("linux.seccomp.architectures[%d]: %w", i, err)
		}
		if err := f.AddArch(arch); err != nil {
			return nil, fmt.Errorf("linux.seccomp.architectures[%d]: %w", i, err)
		}
	}
	p := &Program{}
	if p.Flags, err = flagBits(s.Flags); err != nil {
		return nil, err
	}
	for i, sc := range s.Syscalls {
		if sc.Action == specs.ActNotify {
			p.Notify = true
		}
		if err := addRules(f, def, sc); err != nil {
			return nil, fmt.Errorf("linux.seccomp.syscalls[%d]: %w", i, err)
		}
	}
	if err := checkNotify(s, p); err != nil {
		return nil, err
	}
	if !p.Notify {
		p.Flags &^= waitKillableRecv // no listener: the kernel would refuse it
	}
	if p.BPF, err = export(f); err != nil {
		return nil, err
	}
	if p.BPF, err = withEnosysStub(s, p.BPF); err != nil {
		return nil, err
	}
	return p, nil
}

// initSends are the syscalls the init hands the listener over with, right
// after loading the filter: were they notified, the init would wait for
// an agent that can only get the listener through them.
var initSends = []string{"sendmsg", "write"}

// checkNotify refuses what would hang the init with SCMP_ACT_NOTIFY
// (runc refuses a notifying default action and write as well).
func checkNotify(s *specs.LinuxSeccomp, p *Program) error {
	if s.DefaultAction == specs.ActNotify {
		return errors.New("linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default action: " +
			"the init could not send the listener to the runtime")
	}
	for i, sc := range s.Syscalls {
		if sc.Action != specs.ActNotify {
			continue
		}
		for _, name := range sc.Names {
			if slices.Contains(initSends, name) {
				return fmt.Errorf("linux.seccomp.syscalls[%d]: SCMP_ACT_NOTIFY cannot be used for %s: "+
					"the init sends the listener to the runtime with it", i, name)
			}
		}
	}
	if p.Notify && p.Flags&unix.SECCOMP_FILTER_FLAG_TSYNC != 0 {
		// the kernel refuses a new listener with TSYNC (EINVAL)
		return errors.New("linux.seccomp.flags: SECCOMP_FILTER_FLAG_TSYNC cannot be combined with SCMP_ACT_NOTIFY")
	}
	return nil
}

func action(a specs.LinuxSeccompAction, errnoRet *uint) (libseccomp.ScmpAction, error) {
	act, ok := actions[a]
	if !ok {
		return 0, fmt.Errorf("unknown action %q", a)
	}
	switch act {
	case libseccomp.ActErrno, libseccomp.ActTrace:
		ret := int16(unix.EPERM)
		if errnoRet != nil {
			ret = int16(*errnoRet)
		}
		act = act.SetReturnCode(ret)
	}
	return act, nil
}

func addRules(f *libseccomp.ScmpFilter, def libseccomp.ScmpAction, sc specs.LinuxSyscall) error {
	act, err := action(sc.Action, sc.ErrnoRet)
	if err != nil {
		return err
	}
	if act == def {
		return nil // libseccomp refuses a rule that changes nothing
	}
	conds := make([]libseccomp.ScmpCondition, 0, len(sc.Args))
	sameArg := false
	seen := map[uint]bool{}
	for j, a := range sc.Args {
		op, ok := operators[a.Op]
		if !ok {
			return fmt.Errorf("args[%d]: unknown operator %q", j, a.Op)
		}
		vals := []uint64{a.Value}
		if a.Op == specs.OpMaskedEqual {
			vals = append(vals, a.ValueTwo)
		}
		c, err := libseccomp.MakeCondition(a.Index, op, vals...)
		if err != nil {
			return fmt.Errorf("args[%d]: %w", j, err)
		}
		sameArg = sameArg || seen[a.Index]
		seen[a.Index] = true
		conds = append(conds, c)
	}
	for _, name := range sc.Names {
		call, err := libseccomp.GetSyscallFromName(name)
		if err != nil {
			continue // not a syscall this libseccomp knows
		}
		if err := addRule(f, call, act, conds, sameArg); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	return nil
}

// addRule: libseccomp cannot AND two conditions on one argument; runc's
// reading (and the profiles') is that each such condition is its own rule.
func addRule(f *libseccomp.ScmpFilter, call libseccomp.ScmpSyscall, act libseccomp.ScmpAction, conds []libseccomp.ScmpCondition, split bool) error {
	if len(conds) == 0 {
		return f.AddRule(call, act)
	}
	if !split {
		return f.AddRuleConditional(call, act, conds)
	}
	for _, c := range conds {
		if err := f.AddRuleConditional(call, act, []libseccomp.ScmpCondition{c}); err != nil {
			return err
		}
	}
	return nil
}

// export writes the filter's BPF into a memfd and reads it back (the
// in-memory export needs a newer libseccomp than Debian 12 has).
func export(f *libseccomp.ScmpFilter) ([]byte, error) {
	fd, err := unix.MemfdCreate("seccomp-bpf", unix.MFD_CLOEXEC)
	if err != nil {
		return nil, os.NewSyscallError("memfd_create", err)
	}
	mf := os.NewFile(uintptr(fd), "seccomp-bpf")
	defer mf.Close()
	if err := f.ExportBPF(mf); err != nil {
		return nil, fmt.Errorf("seccomp: export: %w", err)
	}
	if _, err := mf.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	bpf, err := io.ReadAll(mf)
	if err != nil {
		return nil, err
	}
	if len(bpf) == 0 || len(bpf)%8 != 0 {
		return nil, errors.New("seccomp: export gave no program")
	}
	return bpf, nil
}

// Supported lists what Compile and Load handle, for `features` (flags:
// SupportedFlags).
func Supported() (acts, ops, archs []string) {
	for a := range actions {
		acts = append(acts, string(a))
	}
	for o := range operators {
		ops = append(ops, string(o))
	}
	for a := range archNames {
		archs = append(archs, string(a))
	}
	sort.Strings(acts)
	sort.Strings(ops)
	sort.Strings(archs)
	return acts, ops, archs
}

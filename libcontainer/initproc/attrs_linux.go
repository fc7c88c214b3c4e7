package initproc

import (
	"fmt"
	"os"
	"unsafe"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"myrunc/internal/cpulist"
)

// Process attributes the kernel keeps across execve: set while the init
// is still privileged (a realtime policy needs CAP_SYS_NICE), for the
// container's init and for exec'd processes alike, as runc does.

// setPersonality applies linux.personality (LINUX32: uname says i686).
func setPersonality(s *initState) error {
	if s.spec.Linux == nil || s.spec.Linux.Personality == nil {
		return nil
	}
	p := uintptr(0) // PER_LINUX
	if s.spec.Linux.Personality.Domain == specs.PerLinux32 {
		p = 0x0008 // PER_LINUX32
	}
	if _, _, errno := unix.RawSyscall(unix.SYS_PERSONALITY, p, 0, 0); errno != 0 {
		return fmt.Errorf("linux.personality: set %s: %w", s.spec.Linux.Personality.Domain, errno)
	}
	return nil
}

var schedPolicies = map[specs.LinuxSchedulerPolicy]uint32{
	specs.SchedOther: 0, specs.SchedFIFO: 1, specs.SchedRR: 2, specs.SchedBatch: 3,
	specs.SchedISO: 4, specs.SchedIdle: 5, specs.SchedDeadline: 6,
}

var schedFlags = map[specs.LinuxSchedulerFlag]uint64{
	specs.SchedFlagResetOnFork: 0x01, specs.SchedFlagReclaim: 0x02, specs.SchedFlagDLOverrun: 0x04,
	specs.SchedFlagKeepPolicy: 0x08, specs.SchedFlagKeepParams: 0x10,
	specs.SchedFlagUtilClampMin: 0x20, specs.SchedFlagUtilClampMax: 0x40,
}

// setScheduler applies process.scheduler with sched_setattr(2).
func setScheduler(s *initState) error {
	sc := s.spec.Process.Scheduler
	if sc == nil {
		return nil
	}
	policy, ok := schedPolicies[sc.Policy]
	if !ok {
		return fmt.Errorf("process.scheduler.policy: unknown policy %q", sc.Policy)
	}
	attr := &unix.SchedAttr{Policy: policy, Nice: sc.Nice, Priority: uint32(sc.Priority),
		Runtime: sc.Runtime, Deadline: sc.Deadline, Period: sc.Period}
	for _, f := range sc.Flags {
		bit, ok := schedFlags[f]
		if !ok {
			return fmt.Errorf("process.scheduler.flags: unknown flag %q", f)
		}
		attr.Flags |= bit
	}
	if err := unix.SchedSetAttr(0, attr, 0); err != nil {
		return fmt.Errorf("process.scheduler: sched_setattr(%s): %w", sc.Policy, err)
	}
	return nil
}

var ioprioClasses = map[specs.IOPriorityClass]uintptr{
	specs.IOPRIO_CLASS_RT: 1, specs.IOPRIO_CLASS_BE: 2, specs.IOPRIO_CLASS_IDLE: 3,
}

// setIOPriority applies process.ioPriority. runc sets it for the init's
// process group, which there holds the init alone (its init is a session
// leader); here the init shares the runtime's group, so it is set for the
// init itself: the same processes get it, its children inherit it.
func setIOPriority(s *initState) error {
	io := s.spec.Process.IOPriority
	if io == nil {
		return nil
	}
	class, ok := ioprioClasses[io.Class]
	if !ok {
		return fmt.Errorf("process.ioPriority.class: unknown class %q", io.Class)
	}
	const whoProcess = 1
	prio := class<<13 | uintptr(io.Priority)
	if _, _, errno := unix.RawSyscall(unix.SYS_IOPRIO_SET, whoProcess, 0, prio); errno != 0 {
		return fmt.Errorf("process.ioPriority: ioprio_set(%s, %d): %w", io.Class, io.Priority, errno)
	}
	return nil
}

var mpolModes = map[specs.MemoryPolicyModeType]uintptr{
	specs.MpolDefault: 0, specs.MpolPreferred: 1, specs.MpolBind: 2, specs.MpolInterleave: 3,
	specs.MpolLocal: 4, specs.MpolPreferredMany: 5, specs.MpolWeightedInterleave: 6,
}

var mpolFlags = map[specs.MemoryPolicyFlagType]uintptr{
	specs.MpolFNumaBalancing: 1 << 13, specs.MpolFRelativeNodes: 1 << 14, specs.MpolFStaticNodes: 1 << 15,
}

// setMemoryPolicy applies linux.memoryPolicy with set_mempolicy(2).
func setMemoryPolicy(s *initState) error {
	if s.spec.Linux == nil || s.spec.Linux.MemoryPolicy == nil {
		return nil
	}
	mp := s.spec.Linux.MemoryPolicy
	mode, ok := mpolModes[mp.Mode]
	if !ok {
		return fmt.Errorf("linux.memoryPolicy.mode: unknown mode %q", mp.Mode)
	}
	for _, f := range mp.Flags {
		bit, ok := mpolFlags[f]
		if !ok {
			return fmt.Errorf("linux.memoryPolicy.flags: unknown flag %q", f)
		}
		mode |= bit
	}
	var mask []uint64
	if mp.Nodes != "" {
		nodes, err := cpulist.Parse(mp.Nodes)
		if err != nil {
			return fmt.Errorf("linux.memoryPolicy.nodes: %w", err)
		}
		for _, n := range nodes {
			for len(mask) <= n/64 {
				mask = append(mask, 0)
			}
			mask[n/64] |= 1 << (n % 64)
		}
	}
	var maskPtr unsafe.Pointer
	if len(mask) > 0 {
		maskPtr = unsafe.Pointer(&mask[0])
	}
	// maxnode counts bits and the kernel reads one less than given
	maxnode := uintptr(len(mask)*64 + 1)
	if _, _, errno := unix.RawSyscall(unix.SYS_SET_MEMPOLICY, mode, uintptr(maskPtr), maxnode); errno != 0 {
		return fmt.Errorf("linux.memoryPolicy: set_mempolicy(%s, nodes %q): %w", mp.Mode, mp.Nodes, errno)
	}
	return nil
}

// setCPUAffinity runs once the process is in its cgroup: an exec'd process
// takes execCPUAffinity.final; otherwise the affinity is reset to every
// CPU (the cgroup's cpuset still bounds it), so that no process of the
// container inherits the runtime's own pinning (as runc resets it). The
// initial affinity the runtime gives an exec'd process at spawn.
func setCPUAffinity(s *initState) error {
	var set unix.CPUSet
	aff := s.spec.Process.ExecCPUAffinity
	switch {
	case s.cfg.Exec && aff != nil && aff.Final != "":
		cpus, err := cpulist.Parse(aff.Final)
		if err != nil {
			return fmt.Errorf("process.execCPUAffinity.final: %w", err)
		}
		for _, c := range cpus {
			set.Set(c)
		}
	case s.cfg.Exec && aff != nil && aff.Initial != "":
		return nil // initial only: it stays
	default:
		for c := 0; c < len(set)*64; c++ {
			set.Set(c)
		}
	}
	if err := unix.SchedSetaffinity(0, &set); err != nil {
		return &os.SyscallError{Syscall: "sched_setaffinity", Err: err}
	}
	return nil
}

package spec

import (
	"regexp"
	"sync"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// Names the kernel interfaces understand. The runtime-spec says a value that
// cannot be mapped to a kernel interface MUST be an error, so these are
// closed lists rather than prefix checks.

// The tables are built on first use, not at package init: every myrunc
// process, each container's init among them, would pay for them at start.
var (
	capabilityNames, propagationModes                      map[string]bool
	timeOffsetClocks, ioPriorityClasses, schedulerPolicies map[string]bool
	seccompActions, ipcSysctls                             map[string]bool
	seccompArchs, seccompFlags, seccompOps, schedulerFlags map[string]bool
	versionRE                                              *regexp.Regexp
	pageSizeRE                                             *regexp.Regexp
	tablesOnce                                             sync.Once
)

func loadTables() { tablesOnce.Do(buildTables) }

func buildTables() {
	versionRE = regexp.MustCompile(`^1\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$`)
	pageSizeRE = regexp.MustCompile(`^([1-9][0-9]*)(|K|M|G|T|P)B$`)
	// capabilityNames lists every Linux capability, CAP_CHOWN (0) to
	// CAP_CHECKPOINT_RESTORE (40), as of Linux 5.9+. Whether the running kernel
	// knows a capability is the runtime's business (it drops unknown ones with a
	// warning, like runc); an unknown name is a typo and fails here.
	capabilityNames = setOf(
		"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER",
		"CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP",
		"CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST",
		"CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER",
		"CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE",
		"CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
		"CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD",
		"CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP",
		"CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM",
		"CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
		"CAP_CHECKPOINT_RESTORE",
	)

	// propagationModes are the values of linux.rootfsPropagation ("" = runtime default).
	propagationModes = setOf("", "shared", "slave", "private", "unbindable",
		"rshared", "rslave", "rprivate", "runbindable")

	// timeOffsetClocks are the clocks a time namespace can offset.
	timeOffsetClocks = setOf("monotonic", "boottime")

	ioPriorityClasses = setOf(string(specs.IOPRIO_CLASS_RT),
		string(specs.IOPRIO_CLASS_BE), string(specs.IOPRIO_CLASS_IDLE))

	schedulerPolicies = setOf(string(specs.SchedOther), string(specs.SchedFIFO),
		string(specs.SchedRR), string(specs.SchedBatch), string(specs.SchedISO),
		string(specs.SchedIdle), string(specs.SchedDeadline))

	schedulerFlags = setOf(string(specs.SchedFlagResetOnFork), string(specs.SchedFlagReclaim),
		string(specs.SchedFlagDLOverrun), string(specs.SchedFlagKeepPolicy), string(specs.SchedFlagKeepParams),
		string(specs.SchedFlagUtilClampMin), string(specs.SchedFlagUtilClampMax))

	seccompActions = setOf(string(specs.ActKill), string(specs.ActKillProcess),
		string(specs.ActKillThread), string(specs.ActTrap), string(specs.ActErrno),
		string(specs.ActTrace), string(specs.ActAllow), string(specs.ActLog),
		string(specs.ActNotify))

	seccompArchs = setOf(string(specs.ArchX86), string(specs.ArchX86_64), string(specs.ArchX32),
		string(specs.ArchARM), string(specs.ArchAARCH64), string(specs.ArchMIPS), string(specs.ArchMIPS64),
		string(specs.ArchMIPS64N32), string(specs.ArchMIPSEL), string(specs.ArchMIPSEL64),
		string(specs.ArchMIPSEL64N32), string(specs.ArchPPC), string(specs.ArchPPC64),
		string(specs.ArchPPC64LE), string(specs.ArchS390), string(specs.ArchS390X),
		string(specs.ArchPARISC), string(specs.ArchPARISC64), string(specs.ArchRISCV64),
		string(specs.ArchLOONGARCH64), string(specs.ArchM68K), string(specs.ArchSH), string(specs.ArchSHEB))

	seccompFlags = setOf(string(specs.LinuxSeccompFlagLog), string(specs.LinuxSeccompFlagSpecAllow),
		string(specs.LinuxSeccompFlagWaitKillableRecv), "SECCOMP_FILTER_FLAG_TSYNC")

	seccompOps = setOf(string(specs.OpNotEqual), string(specs.OpLessThan), string(specs.OpLessEqual),
		string(specs.OpEqualTo), string(specs.OpGreaterEqual), string(specs.OpGreaterThan),
		string(specs.OpMaskedEqual))

	// ipcSysctls are the kernel.* sysctls that live in the IPC namespace
	// (fs.mqueue.* too, matched by prefix).
	ipcSysctls = setOf("kernel.msgmax", "kernel.msgmnb", "kernel.msgmni",
		"kernel.sem", "kernel.shmall", "kernel.shmmax", "kernel.shmmni",
		"kernel.shm_rmid_forced")
}

func setOf(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

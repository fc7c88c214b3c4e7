package spec

import (
	"slices"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// A filter binds the container's init too, from the moment it is loaded
// until execve: without no_new_privs it must go in while the init still
// has CAP_SYS_ADMIN, before it drops privileges, so every syscall the init
// (and the Go runtime under it) makes from there on meets the filter. A
// killing default action that does not spare them kills the init, or
// only its thread, which leaves a process that never reports: create
// would hang. So such a profile is refused here, by name, before anything
// is made.

// initSyscallsEarly are the syscalls the init makes after loading the
// filter early (process.noNewPrivileges false, or a notify filter):
// dropping privileges, cwd, finding the executable, the handshake, the
// start gate, startContainer hooks, execve, and the Go runtime's own
// (scheduler, netpoller, preemption signals). tests/integration/seccomp.bats
// runs a profile that allows exactly these, with a killing default.
var initSyscallsEarly = []string{
	"accept4", "capget", "capset", "chdir", "clock_gettime", "clone", "clone3", "close",
	"close_range", "dup3", "epoll_create1", "epoll_ctl", "epoll_pwait", "eventfd2", "execve",
	"exit", "exit_group", "faccessat", "faccessat2", "fcntl", "fstat", "futex", "getdents64",
	"getpid", "gettid", "ioctl", "madvise", "mmap", "mprotect", "munmap", "nanosleep",
	"newfstatat", "openat", "pidfd_open", "pidfd_send_signal", "pipe2", "prctl", "read",
	"recvmsg", "rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "sched_yield", "sendmsg",
	"setgroups", "setresgid", "setresuid", "setsid", "sigaltstack", "tgkill", "umask",
	"waitid", "write",
}

// initSyscallsLast: with no_new_privs the filter goes in right before
// execve, the one syscall the init makes under it.
var initSyscallsLast = []string{"execve"}

// killingActions end the calling thread or process (SCMP_ACT_TRAP's
// SIGSYS crashes the init's Go runtime).
var killingActions = []specs.LinuxSeccompAction{specs.ActKill, specs.ActKillThread,
	specs.ActKillProcess, specs.ActTrap}

// CheckSeccompForProcess refuses a filter that would kill the init of
// process p (the container's, or one `exec` starts) before it execs. A
// syscall counts as spared if any rule names it with an action that does
// not kill, whatever the rule's argument conditions: the check errs
// towards letting a profile through.
func CheckSeccompForProcess(sc *specs.LinuxSeccomp, p *specs.Process) error {
	if sc == nil || p == nil || !slices.Contains(killingActions, sc.DefaultAction) {
		return nil
	}
	needed := initSyscallsEarly
	if p.NoNewPrivileges && !usesNotify(sc) {
		needed = initSyscallsLast
	}
	spared := map[string]bool{}
	for _, rule := range sc.Syscalls {
		if !slices.Contains(killingActions, rule.Action) {
			for _, name := range rule.Names {
				spared[name] = true
			}
		}
	}
	var killed []string
	for _, name := range needed {
		if !spared[name] {
			killed = append(killed, name)
		}
	}
	if len(killed) == 0 {
		return nil
	}
	if needed[0] == "execve" {
		return fieldErr("linux.seccomp.defaultAction", "%s kills the container's init at execve, which the profile does not allow (allow execve)", sc.DefaultAction)
	}
	return fieldErr("linux.seccomp.defaultAction", "%s would kill the container's init before it starts the process: without process.noNewPrivileges the filter goes in before the init drops privileges, and the init then still needs %s, which the profile does not allow (set process.noNewPrivileges, or allow them)",
		sc.DefaultAction, strings.Join(killed, ", "))
}

func usesNotify(sc *specs.LinuxSeccomp) bool {
	if sc.DefaultAction == specs.ActNotify {
		return true
	}
	for _, rule := range sc.Syscalls {
		if rule.Action == specs.ActNotify {
			return true
		}
	}
	return false
}

// Package handshake is the one vocabulary shared by the runtime (parent) and
// the container's init (child): typed messages over one socketpair, with a
// table of which message may come next, so that a message out of order is
// an error, never a hang.
package handshake

import (
	"os"
	"strconv"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"myrunc/internal/trace"
	"myrunc/libcontainer/rootfs"
	"myrunc/libcontainer/seccomp"
)

// Kind names a message on the wire.
type Kind byte

const (
	KindConfig       Kind = iota + 1 // P→C: everything the init needs
	KindHooksRequest                 // C→P: namespaces and mounts ready, run prestart/createRuntime
	KindHooksDone                    // P→C: hooks ran
	KindReady                        // C→P: blocked before exec, waiting at the start gate
	KindError                        // C→P: the init failed; it exits after sending
	KindCgroupReady                  // P→C: the init is in its cgroup (sent whenever that is done)
	KindSeccompFd                    // C→P: the seccomp notify listener (SCMP_ACT_NOTIFY), as SCM_RIGHTS
	KindCommit                       // P→C: after Ready, create has put the container on record
)

func (k Kind) String() string {
	switch k {
	case KindConfig:
		return "Config"
	case KindHooksRequest:
		return "HooksRequest"
	case KindHooksDone:
		return "HooksDone"
	case KindReady:
		return "Ready"
	case KindError:
		return "Error"
	case KindCgroupReady:
		return "CgroupReady"
	case KindSeccompFd:
		return "SeccompFd"
	case KindCommit:
		return "Commit"
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Fixed descriptor numbers in the init. Preserved fds (create
// --preserve-fds) arrive from FirstPreservedFd on and are moved down to 3
// just before exec, so the container sees them where runc puts them.
const (
	SyncFd           = 3
	GateFd           = 4
	FirstPreservedFd = 5
)

// Config is what the init needs to turn itself into the container.
type Config struct {
	ID     string `json:"id"`
	Bundle string `json:"bundle"`
	// Spec holds only what the init reads (libcontainer's initSpec)
	Spec *specs.Spec `json:"spec"`
	// Pid is the init's pid as the runtime sees it (it is 1 in a new pid
	// namespace), for the state given to in-container hooks.
	Pid          int  `json:"pid"`
	NoPivot      bool `json:"noPivot,omitempty"`
	NoNewKeyring bool `json:"noNewKeyring,omitempty"`
	PreserveFds  int  `json:"preserveFds,omitempty"`
	// Namespaces the init must create itself, after it has set up its
	// mounts (e.g. a cgroup namespace must be created once the init is
	// already in its cgroup).
	UnshareCgroupNs bool `json:"unshareCgroupNs,omitempty"`
	// InUserNS: the init is in a new user namespace, so device nodes are
	// bind-mounted from the host rather than created.
	InUserNS bool `json:"inUserNS,omitempty"`
	// Plan is the rootfs set-up, computed and checked by the parent.
	Plan *rootfs.Plan `json:"plan"`
	// MountFiles travel with the Config frame: the detached idmapped
	// trees the plan's ops name by index (rootfs.IDMap.File).
	MountFiles []*os.File `json:"-"`
	// Exec: the init becomes a new process in an existing container
	// (all its namespaces are already joined); Spec.Process is that
	// process. It execs right after Ready, and reports a failed execve.
	Exec bool `json:"exec,omitempty"`
	// ExecUser is `exec --user` when it names a user or group: the init
	// resolves it in the container's /etc/passwd and /etc/group.
	ExecUser string `json:"execUser,omitempty"`
	// ExecRoot: the container has no mount namespace of its own; the
	// exec'd process enters the init's root (/proc/PID/root) by chroot.
	ExecRoot string `json:"execRoot,omitempty"`
	// ConsoleFd, if not 0, is a connected unix socket to send the pty
	// master over (process.terminal).
	ConsoleFd int `json:"consoleFd,omitempty"`
	// ExeFd, if not 0, is the sealed binary the init was started from:
	// not the container's, closed first.
	ExeFd int `json:"exeFd,omitempty"`
	// Seccomp is the compiled linux.seccomp filter, if any.
	Seccomp *seccomp.Program `json:"seccomp,omitempty"`
}

// SeccompFd carries the listener the kernel made for a filter with
// SCMP_ACT_NOTIFY rules; the parent hands it to linux.seccomp.listenerPath
// and closes File.
type SeccompFd struct {
	File *os.File `json:"-"`
}

// HooksRequest asks the parent to run the prestart and createRuntime hooks.
type HooksRequest struct{}

// HooksDone answers a HooksRequest.
type HooksDone struct{}

// Ready says the init waits for start; Steps holds when the init started
// and when each of its steps ended (monotonic clock), for --trace.
type Ready struct {
	Steps []trace.Event `json:"steps,omitempty"`
	// Warnings are things the init did differently from what the spec
	// asked, for the runtime to log (the init has no log of its own).
	Warnings []string `json:"warnings,omitempty"`
}

package seccomp

// Program is a compiled filter and how to install it. It and Load build
// without cgo, for the init, which never compiles a profile.
type Program struct {
	BPF []byte `json:"bpf"`
	// Flags for seccomp(SECCOMP_SET_MODE_FILTER): TSYNC, LOG, SPEC_ALLOW...
	Flags uint `json:"flags,omitempty"`
	// Notify: the filter has SCMP_ACT_NOTIFY rules, so loading returns a
	// listener fd for linux.seccomp.listenerPath.
	Notify bool `json:"notify,omitempty"`
}

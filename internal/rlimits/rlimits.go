// Package rlimits is the one table of process.rlimits[].type names and
// the setrlimit(2) resources they name: spec/ checks names with it, the
// init sets limits with it.
package rlimits

import "golang.org/x/sys/unix"

type rlimit struct {
	name     string
	resource int
}

// an array, not a map: no work at package init (the init links it)
var table = [...]rlimit{
	{"RLIMIT_AS", unix.RLIMIT_AS}, {"RLIMIT_CORE", unix.RLIMIT_CORE},
	{"RLIMIT_CPU", unix.RLIMIT_CPU}, {"RLIMIT_DATA", unix.RLIMIT_DATA},
	{"RLIMIT_FSIZE", unix.RLIMIT_FSIZE}, {"RLIMIT_LOCKS", unix.RLIMIT_LOCKS},
	{"RLIMIT_MEMLOCK", unix.RLIMIT_MEMLOCK}, {"RLIMIT_MSGQUEUE", unix.RLIMIT_MSGQUEUE},
	{"RLIMIT_NICE", unix.RLIMIT_NICE}, {"RLIMIT_NOFILE", unix.RLIMIT_NOFILE},
	{"RLIMIT_NPROC", unix.RLIMIT_NPROC}, {"RLIMIT_RSS", unix.RLIMIT_RSS},
	{"RLIMIT_RTPRIO", unix.RLIMIT_RTPRIO}, {"RLIMIT_RTTIME", unix.RLIMIT_RTTIME},
	{"RLIMIT_SIGPENDING", unix.RLIMIT_SIGPENDING}, {"RLIMIT_STACK", unix.RLIMIT_STACK},
}

// Resource is the setrlimit(2) resource of name ("RLIMIT_NOFILE");
// ok is false for a name Linux does not have.
func Resource(name string) (resource int, ok bool) {
	for _, r := range table {
		if r.name == name {
			return r.resource, true
		}
	}
	return 0, false
}

// Names lists every name, in the table's order.
func Names() []string {
	out := make([]string, len(table))
	for i, r := range table {
		out[i] = r.name
	}
	return out
}

// Package linuxns is the one vocabulary of Linux namespaces: each
// runtime-spec type with its clone(2) flag and its /proc/<pid>/ns name,
// and the lookups in a spec's namespace list. spec/, libcontainer and the
// init all take their names and flags from here; nsenter's C table is
// checked against it by a test.
package linuxns

import (
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// Kind is one namespace type.
type Kind struct {
	Type specs.LinuxNamespaceType
	Flag int    // CLONE_NEW*; also what ioctl(NS_GET_NSTYPE) answers
	Proc string // the file under /proc/<pid>/ns
}

// an array, not a map: no work at package init (every create links it)
var kinds = [...]Kind{
	{specs.PIDNamespace, unix.CLONE_NEWPID, "pid"},
	{specs.NetworkNamespace, unix.CLONE_NEWNET, "net"},
	{specs.MountNamespace, unix.CLONE_NEWNS, "mnt"},
	{specs.IPCNamespace, unix.CLONE_NEWIPC, "ipc"},
	{specs.UTSNamespace, unix.CLONE_NEWUTS, "uts"},
	{specs.UserNamespace, unix.CLONE_NEWUSER, "user"},
	{specs.CgroupNamespace, unix.CLONE_NEWCGROUP, "cgroup"},
	{specs.TimeNamespace, unix.CLONE_NEWTIME, "time"},
}

// Kinds lists every namespace type Linux has.
func Kinds() []Kind { return kinds[:] }

// Lookup finds type t; ok is false for a type Linux does not have.
func Lookup(t specs.LinuxNamespaceType) (Kind, bool) {
	for _, k := range kinds {
		if k.Type == t {
			return k, true
		}
	}
	return Kind{}, false
}

// Flag is t's clone flag, 0 for an unknown type.
func Flag(t specs.LinuxNamespaceType) int {
	k, _ := Lookup(t)
	return k.Flag
}

// ProcName is t's file name under /proc/<pid>/ns, "" for an unknown type.
func ProcName(t specs.LinuxNamespaceType) string {
	k, _ := Lookup(t)
	return k.Proc
}

// TypeOfProcName is the type of the namespace that /proc/<pid>/ns/<name>
// holds; pid_for_children and time_for_children hold one of the same type.
func TypeOfProcName(name string) (specs.LinuxNamespaceType, bool) {
	if name == "pid_for_children" || name == "time_for_children" {
		name = strings.TrimSuffix(name, "_for_children")
	}
	for _, k := range kinds {
		if k.Proc == name {
			return k.Type, true
		}
	}
	return "", false
}

// Find is the entry for t in a spec's namespace list.
func Find(list []specs.LinuxNamespace, t specs.LinuxNamespaceType) (specs.LinuxNamespace, bool) {
	for _, ns := range list {
		if ns.Type == t {
			return ns, true
		}
	}
	return specs.LinuxNamespace{}, false
}

// Has says whether the list has a namespace of type t, new or joined.
func Has(list []specs.LinuxNamespace, t specs.LinuxNamespaceType) bool {
	_, ok := Find(list, t)
	return ok
}

// IsNew says whether the list asks for a new namespace of type t (no path).
func IsNew(list []specs.LinuxNamespace, t specs.LinuxNamespaceType) bool {
	ns, ok := Find(list, t)
	return ok && ns.Path == ""
}

// Of is the namespace list of s (nil without a linux section).
func Of(s *specs.Spec) []specs.LinuxNamespace {
	if s == nil || s.Linux == nil {
		return nil
	}
	return s.Linux.Namespaces
}

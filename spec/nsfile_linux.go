package spec

import (
	"errors"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// nsTypeFlags are what ioctl(NS_GET_NSTYPE) answers for each type.
var nsTypeFlags = map[specs.LinuxNamespaceType]int{
	specs.PIDNamespace: unix.CLONE_NEWPID, specs.NetworkNamespace: unix.CLONE_NEWNET,
	specs.MountNamespace: unix.CLONE_NEWNS, specs.IPCNamespace: unix.CLONE_NEWIPC,
	specs.UTSNamespace: unix.CLONE_NEWUTS, specs.UserNamespace: unix.CLONE_NEWUSER,
	specs.CgroupNamespace: unix.CLONE_NEWCGROUP, specs.TimeNamespace: unix.CLONE_NEWTIME,
}

// namespaceFile is checkNamespaceFile; a variable for tests, whose paths
// are made up.
var namespaceFile = checkNamespaceFile

// checkNamespaceFile requires a namespace path to open as a namespace of
// type t: a missing file, a symlink loop, a plain file or a namespace of
// another type fails here, before any process is made.
func checkNamespaceFile(field, p string, t specs.LinuxNamespaceType) error {
	fd, err := unix.Open(p, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	switch {
	case errors.Is(err, unix.ENOENT):
		return fieldErr(field, "%s does not exist", p)
	case err != nil:
		return fieldErr(field, "cannot open %s: %v", p, err)
	}
	defer unix.Close(fd)
	got, err := unix.IoctlRetInt(fd, unix.NS_GET_NSTYPE)
	if err != nil {
		return fieldErr(field, "%s is not a namespace file", p)
	}
	if want, ok := nsTypeFlags[t]; ok && got != want {
		return fieldErr(field, "%s is a namespace of another type, not %s", p, t)
	}
	return nil
}

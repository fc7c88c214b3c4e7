package spec

import (
	"errors"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"myrunc/internal/linuxns"
)

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
	// ioctl(NS_GET_NSTYPE) answers the type's clone flag
	if want := linuxns.Flag(t); want != 0 && got != want {
		return fieldErr(field, "%s is a namespace of another type, not %s", p, t)
	}
	return nil
}

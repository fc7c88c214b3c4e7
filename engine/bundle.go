// Package engine is what the docker-like `container` and `volume`
// commands use: container records under the data root, a monitor per
// container, bundles made from images (root filesystem from the image
// store, config.json from the image config and the user's flags through
// spec/opts.go), volumes, all run through libcontainer.
package engine

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	"golang.org/x/sys/unix"

	"myrunc/image"
	"myrunc/libcontainer/user"
)

// Overrides are the user's changes to what the image says.
type Overrides struct {
	Args       []string // CMD [ARG...] after the image name
	Entrypoint *string  // --entrypoint ("" clears the image's)
	Env        []string // -e K=V (or K alone: removed)
}

// Annotations the bundle carries about its image.
const (
	AnnotationImageID      = "io.myrunc.image.id"
	AnnotationImageName    = "io.myrunc.image.name"
	AnnotationExposedPorts = "io.myrunc.image.exposed-ports"
)

// Command is the process's argv from the image's Entrypoint and Cmd and
// the overrides, as Docker combines them.
func Command(c *image.Image, o Overrides) ([]string, error) {
	entry, cmd := o.entrypointAndCmd(c.Config.Config.Entrypoint, c.Config.Config.Cmd)
	args := append(slices.Clone(entry), cmd...)
	if len(args) == 0 {
		return nil, fmt.Errorf("no command specified: image %s has neither Entrypoint nor Cmd", c.ID)
	}
	return args, nil
}

// entrypointAndCmd is the image's entry and cmd after the overrides:
// --entrypoint replaces the Entrypoint and drops the image's Cmd, as
// Docker does; arguments replace the Cmd.
func (o Overrides) entrypointAndCmd(entry, cmd []string) ([]string, []string) {
	if o.Entrypoint != nil {
		entry, cmd = nil, nil
		if *o.Entrypoint != "" {
			entry = []string{*o.Entrypoint}
		}
	}
	if len(o.Args) > 0 {
		cmd = o.Args
	}
	return entry, cmd
}

// resolveUser finds USER[:GROUP] in the root filesystem's /etc/passwd and
// /etc/group, read without following the image's symlinks out of it.
func resolveUser(rootfs, who string) (*user.Resolved, error) {
	if who == "" {
		who = "0"
	}
	us, err := user.ParseSpec(who)
	if err != nil {
		return nil, err
	}
	var files user.Files
	if _, _, numeric := us.Numeric(); !numeric || !us.HasGroup {
		var r io.ReadCloser
		if r, files.PasswdErr = openInRoot(rootfs, "/etc/passwd"); files.PasswdErr == nil {
			files.Passwd, files.PasswdErr = user.ParsePasswd(r)
			r.Close()
		}
		if r, files.GroupErr = openInRoot(rootfs, "/etc/group"); files.GroupErr == nil {
			files.Group, files.GroupErr = user.ParseGroup(r)
			r.Close()
		}
	}
	res, err := user.Resolve(us, files)
	if err != nil {
		return nil, fmt.Errorf("unable to find user %s: %w", who, err)
	}
	return res, nil
}

func openInRoot(root, name string) (io.ReadCloser, error) {
	dir, err := os.Open(root)
	if err != nil {
		return nil, err
	}
	defer dir.Close()
	fd, err := unix.Openat2(int(dir.Fd()), name, &unix.OpenHow{
		Flags:   unix.O_RDONLY | unix.O_CLOEXEC | unix.O_NONBLOCK,
		Resolve: unix.RESOLVE_IN_ROOT | unix.RESOLVE_NO_MAGICLINKS,
	})
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: filepath.Join(root, name), Err: err}
	}
	f := os.NewFile(uintptr(fd), name)
	// a FIFO or device planted by the image would block or misbehave
	if st, err := f.Stat(); err != nil || !st.Mode().IsRegular() {
		f.Close()
		return nil, &os.PathError{Op: "open", Path: filepath.Join(root, name), Err: errors.New("not a regular file")}
	}
	return f, nil
}

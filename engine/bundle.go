// Package engine is what the docker-like `container` commands use: it
// makes a bundle from an image (root filesystem from the image store,
// config.json from the image config and the user's flags) and runs it
// through libcontainer.
package engine

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"myrunc/image"
	"myrunc/libcontainer/user"
	"myrunc/spec"
)

// Overrides are the user's changes to what the image says.
type Overrides struct {
	Args       []string // CMD [ARG...] after the image name
	Entrypoint *string  // --entrypoint ("" clears the image's)
	Env        []string // -e K=V (or K alone: removed)
	Workdir    string   // -w
	User       string   // -u USER[:GROUP]
	Tty        bool     // -t
	Hostname   string   // --hostname (default: the ID's first 12 characters)
	Network    string   // none (default) or host
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
	entry := c.Config.Config.Entrypoint
	cmd := c.Config.Config.Cmd
	if o.Entrypoint != nil {
		entry, cmd = nil, nil
		if *o.Entrypoint != "" {
			entry = []string{*o.Entrypoint}
		}
	}
	if len(o.Args) > 0 {
		cmd = o.Args
	}
	args := append(slices.Clone(entry), cmd...)
	if len(args) == 0 {
		return nil, fmt.Errorf("no command specified: image %s has neither Entrypoint nor Cmd", c.ID)
	}
	return args, nil
}

// SpecOpts turns the image config and the overrides into spec options.
// rootfs is the mounted root filesystem, where a named user is looked up.
func SpecOpts(id, name string, img *image.Image, rootfs string, o Overrides) ([]spec.Opt, error) {
	cfg := img.Config.Config
	args, err := Command(img, o)
	if err != nil {
		return nil, err
	}
	who := o.User
	if who == "" {
		who = cfg.User
	}
	u, err := resolveUser(rootfs, who)
	if err != nil {
		return nil, err
	}
	hostname := o.Hostname
	if hostname == "" {
		hostname = id[:min(12, len(id))]
	}
	cwd := o.Workdir
	if cwd == "" {
		cwd = cfg.WorkingDir
	}
	var ports []string
	for p := range cfg.ExposedPorts {
		ports = append(ports, p)
	}
	slices.Sort(ports)
	env := []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOSTNAME=" + hostname}
	if o.Tty {
		env = append(env, "TERM=xterm")
	} else {
		env = append(env, "TERM") // the default spec's, for a terminal
	}
	opts := []spec.Opt{
		spec.WithRoot(rootfs, false), spec.WithArgs(args...), spec.WithTerminal(o.Tty),
		spec.WithEnv(env...), spec.WithEnv(cfg.Env...), spec.WithEnv(o.Env...),
		spec.WithDefaultEnv("HOME", orDefault(u.Home, "/")),
		spec.WithCwd(cwd), spec.WithUser(u.UID, u.GID, u.Groups), spec.WithHostname(hostname),
		spec.WithCapabilities(spec.DockerCapabilities()), spec.WithNoNewPrivileges(false),
		spec.WithAnnotations(map[string]string{AnnotationImageID: img.ID, AnnotationImageName: name,
			AnnotationExposedPorts: strings.Join(ports, ",")}),
	}
	switch o.Network {
	case "", "none":
	case "host":
		opts = append(opts, spec.WithoutNamespace(specs.NetworkNamespace), spec.WithoutNamespace(specs.UTSNamespace))
	default:
		return nil, fmt.Errorf("--network %s: only none and host work until the engine's networks land", o.Network)
	}
	return opts, nil
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
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

package engine

import (
	"errors"
	"fmt"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"myrunc/internal/selfexe"
	"myrunc/libcontainer/user"
)

// StepOptions describe a container that runs one step of an image build
// (a Dockerfile's RUN): no flags of its own, Docker's defaults.
type StepOptions struct {
	ID, Rootfs string // Rootfs: the step's mounted root filesystem
	Args, Env  []string
	User       string
	WorkingDir string // made in Rootfs when missing
	Hostname   string
}

// StepSpec is the OCI spec of a build step's container: the spec `container
// run` makes, so that a RUN sees what a container of the image would.
func StepSpec(o StepOptions) (*specs.Spec, error) {
	if len(o.Args) == 0 {
		return nil, errors.New("a build step needs a command")
	}
	exe, err := selfexe.Path()
	if err != nil {
		return nil, err
	}
	c := &Container{ID: o.ID, Path: o.Args[0], Args: o.Args[1:],
		Config: Config{User: o.User, Env: o.Env, WorkingDir: o.WorkingDir, Hostname: o.Hostname}}
	if o.WorkingDir != "" {
		if err := mkdirInRoot(o.Rootfs, o.WorkingDir); err != nil {
			return nil, fmt.Errorf("working directory %s: %w", o.WorkingDir, err)
		}
	}
	return specFor(c, o.Rootfs, exe)
}

// ResolveUser finds USER[:GROUP] (names or IDs) in rootfs's /etc/passwd
// and /etc/group, as a container of it would.
func ResolveUser(rootfs, who string) (*user.Resolved, error) { return resolveUser(rootfs, who) }

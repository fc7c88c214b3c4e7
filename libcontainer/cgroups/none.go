package cgroups

import (
	"errors"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// ErrNoCgroup: the container has no cgroup of its own (rootless, without
// a delegated hierarchy).
var ErrNoCgroup = errors.New("the container has no cgroup (rootless, no delegation)")

// None is the manager of a container without a cgroup: placing it is a
// no-op, controlling it is an error that says why.
type None struct{}

func (None) Apply(int) error                 { return nil }
func (None) Set(*specs.LinuxResources) error { return ErrNoCgroup }
func (None) Freeze(bool) error               { return ErrNoCgroup }
func (None) Pids() ([]int, error)            { return nil, nil }
func (None) Destroy() error                  { return nil }
func (None) Path() string                    { return "" }
func (None) Dirs() []Dir                     { return nil }
func (None) Stats() (*Stats, error)          { return nil, ErrNoCgroup }

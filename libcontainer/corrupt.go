package libcontainer

import (
	"errors"
	"fmt"
	"path"
	"path/filepath"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"myrunc/internal/fastjson"
	"myrunc/internal/linuxns"
	"myrunc/libcontainer/cgroups"
)

// CorruptError is a state.json no runtime wrote: truncated, garbage, or
// naming what no container has (the root cgroup, a relative rootfs).
// Such a container is judged from its saved config.json instead, and
// only `delete --force` acts on it.
type CorruptError struct {
	Path string
	Err  error
}

func (e *CorruptError) Error() string {
	return fmt.Sprintf("corrupt %s: %v (delete --force removes the container)", e.Path, e.Err)
}

func (e *CorruptError) Unwrap() error { return e.Err }

// check refuses a state that could make delete act on what is not the
// container's: with the root cgroup as its cgroup, delete would SIGKILL
// every process of the host.
func (s *State) check(id string) error {
	switch {
	case s.ID != id:
		return fmt.Errorf("it is the state of %q", s.ID)
	case s.Pid < 0:
		return fmt.Errorf("pid %d", s.Pid)
	case s.CgroupPath != "" && (!path.IsAbs(s.CgroupPath) || path.Clean(s.CgroupPath) != s.CgroupPath || s.CgroupPath == "/"):
		return fmt.Errorf("cgroup path %q is not a container's", s.CgroupPath)
	case s.Rootfs != "" && !filepath.IsAbs(s.Rootfs):
		return fmt.Errorf("rootfs %q is not absolute", s.Rootfs)
	case s.Creator != nil && s.Creator.Pid <= 0:
		return fmt.Errorf("creator pid %d", s.Creator.Pid)
	}
	return nil
}

// recoverState makes what can be known of a container with a corrupt
// state.json from its config.json: its cgroup (where its processes are)
// and whether its mounts are on the host. Without a readable config only
// the directory is known.
func (c *Container) recoverState() *State {
	st := &State{ID: c.id, OwnMountNs: true}
	s, err := c.Config()
	if err != nil {
		return st
	}
	if s.Root != nil && filepath.IsAbs(s.Root.Path) {
		st.Rootfs = s.Root.Path
	}
	if s.Linux != nil {
		if p, err := cgroups.CleanPath(s.Linux.CgroupsPath, c.id); err == nil {
			st.CgroupPath = p
		}
		st.OwnMountNs = linuxns.Has(linuxns.Of(s), specs.MountNamespace)
	}
	return st
}

// recoveredStatus judges a container with a corrupt state.json by its
// cgroup: running (or paused) while it holds a process.
func (c *Container) recoveredStatus() Status {
	m, err := cgroups.Load(c.state.CgroupPath)
	if err != nil {
		return Stopped
	}
	if pids, err := m.Pids(); err != nil || len(pids) == 0 {
		return Stopped
	}
	if c.frozen() {
		return Paused
	}
	return Running
}

// Corrupt is why the container's state.json cannot be trusted (nil if it
// can).
func (c *Container) Corrupt() error { return c.corrupt }

// lockUsable is Lock for the verbs that need a trustworthy state: all
// but delete refuse a container with a corrupt state.json.
func (c *Container) lockUsable() error {
	if err := c.Lock(); err != nil {
		return err
	}
	if c.corrupt != nil {
		c.Unlock()
		return fmt.Errorf("container %q: %w", c.id, c.corrupt)
	}
	return nil
}

// decodeState parses state.json for container id.
func decodeState(file, id string, data []byte) (*State, error) {
	var s State
	if len(data) == 0 {
		return nil, &CorruptError{file, errors.New("empty file")}
	}
	if err := fastjson.Unmarshal(data, &s); err != nil {
		return nil, &CorruptError{file, err}
	}
	if err := s.check(id); err != nil {
		return nil, &CorruptError{file, err}
	}
	return &s, nil
}

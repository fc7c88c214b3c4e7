package libcontainer

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"myrunc/libcontainer/cgroups"
)

// Container is one container under a state root. Its methods are the CLI
// verbs; each one that changes the container takes its lock first.
type Container struct {
	root  string
	id    string
	dir   string
	state *State // nil while the container is being created
	lock  *os.File
	// initCmd is set only in the process that created the container,
	// which can wait for it (`run` in the foreground).
	initCmd *exec.Cmd
	// console is the pty master Create kept for the caller (AttachConsole)
	console *os.File
	// cgroup is set in the process that created the container, which
	// need not load it again (`run` deletes what it made)
	cgroup cgroups.Manager
	// corrupt: state.json cannot be trusted; state is what config.json
	// tells (recoverState)
	corrupt error
}

// cgroupManager is the container's cgroup.
func (c *Container) cgroupManager() (cgroups.Manager, error) {
	if c.cgroup != nil {
		return c.cgroup, nil
	}
	return cgroups.Load(c.state.CgroupPath)
}

// Console is the container's pty master when Create kept it (see
// CreateOpts.AttachConsole).
func (c *Container) Console() *os.File { return c.console }

// ValidateID keeps ids to names that cannot escape --root. A leading dot
// is the runtime's own (--root/.cache).
func ValidateID(id string) error {
	ok := id != "" && len(id) <= 1024 && id[0] != '.'
	for i := 0; ok && i < len(id); i++ {
		c := id[i]
		ok = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("_+.-", c) >= 0
	}
	if !ok {
		return fmt.Errorf("%w %q: use letters, digits and _ + - . only, not starting with a dot", ErrInvalidID, id)
	}
	return nil
}

// ID is the container's id.
func (c *Container) ID() string { return c.id }

// State is what the runtime keeps about the container (nil while creating).
func (c *Container) State() *State { return c.state }

// Load opens the container id under root.
func Load(root, id string) (*Container, error) {
	if err := ValidateID(id); err != nil {
		return nil, err
	}
	c := &Container{root: root, id: id, dir: filepath.Join(root, id)}
	if err := c.refresh(); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *Container) refresh() error {
	st, err := loadState(c.dir, c.id)
	if errors.Is(err, syscall.ENOTDIR) {
		return notExist(c.id) // a file under --root is no container
	}
	var ce *CorruptError
	if errors.As(err, &ce) {
		c.corrupt, c.state = err, c.recoverState()
		return nil
	}
	if err != nil {
		return err
	}
	c.corrupt = nil
	if st == nil {
		if fi, err := os.Stat(c.dir); os.IsNotExist(err) || (err == nil && !fi.IsDir()) {
			return notExist(c.id)
		}
	}
	c.state = st
	return nil
}

// ListIDs is the ids List loads, sorted, without reading any container's
// state (`list -q`).
func ListIDs(root string) ([]string, error) {
	entries, err := os.ReadDir(root)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, e := range entries {
		if e.IsDir() && ValidateID(e.Name()) == nil {
			ids = append(ids, e.Name())
		}
	}
	sort.Strings(ids)
	return ids, nil
}

// List loads every container under root, sorted by id.
func List(root string) ([]*Container, error) {
	ids, err := ListIDs(root)
	if err != nil {
		return nil, err
	}
	var list []*Container
	for _, id := range ids {
		c, err := Load(root, id)
		if errors.Is(err, ErrNotExist) {
			continue // deleted while we looked
		}
		if err != nil {
			return nil, err
		}
		list = append(list, c)
	}
	return list, nil
}

// Status derives the status from what is true now: whether the init
// lives, whether it still waits at the start gate, whether it is frozen.
// A container whose creator died part-way is stopped: it will never run.
func (c *Container) Status() Status {
	if c.state == nil {
		return Stopped
	}
	if c.corrupt != nil {
		return c.recoveredStatus()
	}
	if cr := c.state.Creator; cr != nil {
		if alive(cr.Pid, cr.StartTime) {
			return Creating
		}
		return Stopped
	}
	if !alive(c.state.Pid, c.state.InitStartTime) {
		return Stopped
	}
	if _, err := os.Lstat(filepath.Join(c.dir, gateFile)); err == nil && c.initAtGate() {
		return Created
	}
	if c.frozen() {
		return Paused
	}
	return Running
}

// frozen says whether the container's cgroup is frozen (paused).
func (c *Container) frozen() bool { return cgroups.Frozen(c.state.CgroupPath) }

// Lock takes the container's lock and re-reads its state, which another
// command may have changed while we waited.
func (c *Container) Lock() error {
	if c.lock != nil {
		return nil
	}
	f, err := lockDir(c.dir)
	if os.IsNotExist(err) {
		return notExist(c.id)
	}
	if err != nil {
		return err
	}
	if !sameFile(f, c.dir) {
		// deleted (and maybe created anew) while we waited for the lock
		f.Close()
		return notExist(c.id)
	}
	c.lock = f
	if err := c.refresh(); err != nil {
		c.Unlock()
		return err
	}
	return nil
}

// Unlock releases the lock.
func (c *Container) Unlock() {
	if c.lock != nil {
		c.lock.Close()
		c.lock = nil
	}
}

// Created is when create finished.
func (c *Container) Created() time.Time {
	if c.state == nil {
		return time.Time{}
	}
	return c.state.Created
}

// pidAlive is the init's pid if it still runs, else 0.
func (c *Container) pidAlive() int {
	if c.state != nil && alive(c.state.Pid, c.state.InitStartTime) {
		return c.state.Pid
	}
	return 0
}

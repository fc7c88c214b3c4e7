package engine

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"golang.org/x/sys/unix"

	"myrunc/internal/atomicfile"
	"myrunc/internal/lockfile"
)

// Engine is the container records under one data root.
//
// Layout of <data-root>/containers:
//
//	ID/config.json     the record (Container), written at create and rename
//	ID/state.json      its State, rewritten at each lifecycle step
//	ID/lock            flock: one engine command at a time on the container
//	ID/monitor.lock    flock held by the container's monitor while it lives
//	ID/ID-json.log     the json-file log
//	ID/bundle          the OCI bundle (config.json); ID/rootfs its root
//	.names/NAME        symlink to ID: names are unique by symlink(2)
type Engine struct {
	DataRoot    string
	RuntimeRoot string // --root of this command, for containers it creates
	dir         string
}

// Open prepares the container records under dataRoot.
func Open(dataRoot, runtimeRoot string) (*Engine, error) {
	abs, err := filepath.Abs(dataRoot)
	if err != nil {
		return nil, err
	}
	if runtimeRoot != "" {
		if runtimeRoot, err = filepath.Abs(runtimeRoot); err != nil {
			return nil, err
		}
	}
	e := &Engine{DataRoot: abs, RuntimeRoot: runtimeRoot, dir: filepath.Join(abs, "containers")}
	if err := os.MkdirAll(filepath.Join(e.dir, ".names"), 0o711); err != nil {
		return nil, err
	}
	return e, nil
}

func (e *Engine) ctrDir(id string) string            { return filepath.Join(e.dir, id) }
func (e *Engine) ctrPath(id string, f string) string { return filepath.Join(e.dir, id, f) }
func (e *Engine) namePath(name string) string        { return filepath.Join(e.dir, ".names", name) }

// LogPath is the container's json-file log.
func (e *Engine) LogPath(id string) string { return e.ctrPath(id, id+"-json.log") }

func (e *Engine) bundleDir(id string) string { return e.ctrPath(id, "bundle") }
func (e *Engine) rootfsDir(id string) string { return e.ctrPath(id, "rootfs") }

// NotFoundError is a container that does not exist.
type NotFoundError struct{ Ref string }

func (e *NotFoundError) Error() string { return "No such container: " + e.Ref }

// IsNotFound says whether err is a missing container.
func IsNotFound(err error) bool { var nf *NotFoundError; return errors.As(err, &nf) }

var validName = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9_.-]*$`) })

// checkName is Docker's rule for container names.
func checkName(name string) error {
	if !validName().MatchString(name) || len(name) > 255 {
		return fmt.Errorf("Invalid container name (%s), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed", name)
	}
	return nil
}

// Resolve finds a container's ID by full ID, name, or unique ID prefix.
func (e *Engine) Resolve(ref string) (string, error) {
	ref = strings.TrimPrefix(ref, "/")
	if ref == "" {
		return "", &NotFoundError{Ref: ref}
	}
	if isID(ref) && e.exists(ref) {
		return ref, nil
	}
	if checkName(ref) == nil {
		if id, err := os.Readlink(e.namePath(ref)); err == nil && e.exists(id) {
			return id, nil
		}
	}
	if strings.Trim(ref, "0123456789abcdef") == "" {
		ids, _ := e.ids()
		var found string
		for _, id := range ids {
			if strings.HasPrefix(id, ref) {
				if found != "" {
					return "", fmt.Errorf("multiple IDs found with provided prefix: %s", ref)
				}
				found = id
			}
		}
		if found != "" {
			return found, nil
		}
	}
	return "", &NotFoundError{Ref: ref}
}

func isID(s string) bool { return len(s) == 64 && strings.Trim(s, "0123456789abcdef") == "" }

func (e *Engine) exists(id string) bool {
	_, err := os.Stat(e.ctrPath(id, "config.json"))
	return err == nil
}

// ids lists the containers with a record.
func (e *Engine) ids() ([]string, error) {
	entries, err := os.ReadDir(e.dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, d := range entries {
		switch name := d.Name(); {
		case !d.IsDir():
		case isID(name) && e.exists(name):
			out = append(out, name)
		case strings.HasPrefix(name, ".rm-"), isID(name) && !e.ownerExists(name):
			// an rm killed after its rename, or a create killed before
			// its record: nothing refers to them any more
			os.RemoveAll(filepath.Join(e.dir, name))
		}
	}
	return out, nil
}

// load reads a container's record and state (without the lock: the files
// are replaced atomically, so a reader sees a whole old or new one).
func (e *Engine) load(id string) (*Container, error) {
	data, err := os.ReadFile(e.ctrPath(id, "config.json"))
	if errors.Is(err, os.ErrNotExist) {
		return nil, &NotFoundError{Ref: id}
	}
	if err != nil {
		return nil, err
	}
	c := &Container{}
	if err := json.Unmarshal(data, c); err != nil {
		return nil, fmt.Errorf("container %s: corrupt record: %w", id, err)
	}
	if err := e.loadState(c); err != nil {
		return nil, err
	}
	return c, nil
}

func (e *Engine) loadState(c *Container) error {
	data, err := os.ReadFile(e.ctrPath(c.ID, "state.json"))
	if errors.Is(err, os.ErrNotExist) {
		c.State = State{Status: StatusCreated}
		return nil
	}
	if err != nil {
		return err
	}
	c.State = State{}
	if err := json.Unmarshal(data, &c.State); err != nil {
		// a torn state cannot happen (atomic renames); a hand-edited one
		// is taken as dead, which rm -f handles
		c.State = State{Status: StatusDead, Error: "corrupt state.json: " + err.Error()}
	}
	return nil
}

func (e *Engine) saveConfig(c *Container) error {
	data, err := json.Marshal(c)
	if err != nil {
		return err
	}
	return atomicfile.Write(e.ctrPath(c.ID, "config.json"), data, 0o600)
}

func (e *Engine) saveState(c *Container) error {
	data, err := json.Marshal(&c.State)
	if err != nil {
		return err
	}
	return atomicfile.Write(e.ctrPath(c.ID, "state.json"), data, 0o600)
}

// List loads every container, newest first (as docker ps), reconciling
// those whose monitor died.
func (e *Engine) List() ([]*Container, error) {
	ids, err := e.ids()
	if err != nil {
		return nil, err
	}
	var out []*Container
	for _, id := range ids {
		c, err := e.load(id)
		if IsNotFound(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		// rm -f's monitor is removing it; one still running was not killed
		// (its rm -f was cut short) and must stay listed for a second rm -f
		if c.State.RemovalRequested && !c.State.Running() && e.monitorAlive(id) {
			continue
		}
		if e.needsReconcile(c) {
			h, err := e.lock(id)
			if IsNotFound(err) {
				continue // reconciling finished a removal (--rm, rm -f)
			}
			if err == nil {
				c = h.c
				h.unlock()
			}
		}
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Created.After(out[j].Created) })
	return out, nil
}

// Get loads one container by reference, reconciled.
func (e *Engine) Get(ref string) (*Container, error) {
	id, err := e.Resolve(ref)
	if err != nil {
		return nil, err
	}
	c, err := e.load(id)
	if err != nil {
		return nil, err
	}
	if e.needsReconcile(c) {
		h, err := e.lock(id)
		if err != nil {
			return nil, err
		}
		defer h.unlock()
		return h.c, nil
	}
	return c, nil
}

// handle is a container under its lock.
type handle struct {
	e    *Engine
	c    *Container
	lock *os.File
}

// lockRef resolves ref and locks the container.
func (e *Engine) lockRef(ref string) (*handle, error) {
	id, err := e.Resolve(ref)
	if err != nil {
		return nil, err
	}
	h, err := e.lock(id)
	if err != nil && IsNotFound(err) {
		return nil, &NotFoundError{Ref: ref}
	}
	return h, err
}

// lock takes the container's lock, then reads its record (another
// command may have changed or removed it while we waited) and reconciles
// a container whose monitor died.
func (e *Engine) lock(id string) (*handle, error) {
	f, err := lockfile.Open(e.ctrPath(id, "lock"), unix.LOCK_EX, true)
	if errors.Is(err, os.ErrNotExist) {
		return nil, &NotFoundError{Ref: id}
	}
	if err != nil {
		return nil, err
	}
	c, err := e.load(id)
	if err != nil {
		f.Close()
		return nil, err
	}
	h := &handle{e: e, c: c, lock: f}
	if e.needsReconcile(c) {
		h.reconcile()
		if _, err := os.Stat(e.ctrPath(id, "config.json")); err != nil {
			h.unlock() // it finished a removal (--rm, rm -f)
			return nil, &NotFoundError{Ref: id}
		}
	}
	return h, nil
}

func (h *handle) unlock() {
	if h.lock != nil {
		h.lock.Close()
		h.lock = nil
	}
}

func (h *handle) save() error { return h.e.saveState(h.c) }

// monitorAlive says whether the container's monitor holds its lock.
func (e *Engine) monitorAlive(id string) bool {
	f, err := lockfile.Open(e.ctrPath(id, "monitor.lock"), unix.LOCK_EX|unix.LOCK_NB, false)
	if err == nil {
		f.Close()
		return false
	}
	return errors.Is(err, unix.EWOULDBLOCK)
}

// needsReconcile: the state says a process is up but no monitor looks
// after it (the monitor was killed, or the machine rebooted).
func (e *Engine) needsReconcile(c *Container) bool {
	return c.State.Running() && !e.monitorAlive(c.ID)
}

// reserveName takes name for id; a name whose container is gone (a crash
// between the two steps of create or rm) is taken over.
func (e *Engine) reserveName(name, id string) error {
	if err := checkName(name); err != nil {
		return err
	}
	for try := 0; try < 2; try++ {
		err := os.Symlink(id, e.namePath(name))
		if err == nil {
			return nil
		}
		if !errors.Is(err, os.ErrExist) {
			return err
		}
		owner, rerr := os.Readlink(e.namePath(name))
		if rerr == nil && e.ownerExists(owner) {
			return fmt.Errorf("Conflict. The container name \"/%s\" is already in use by container \"%s\". You have to remove (or rename) that container to be able to reuse that name.", name, owner)
		}
		os.Remove(e.namePath(name))
	}
	return fmt.Errorf("container name %s: taken while we looked", name)
}

// ownerExists: the container exists, or is being created (its directory
// is made before the name is taken, its record after; a directory
// without a record older than a minute is a crashed create).
func (e *Engine) ownerExists(id string) bool {
	if e.exists(id) {
		return true
	}
	st, err := os.Stat(e.ctrDir(id))
	return err == nil && time.Since(st.ModTime()) < time.Minute
}

// releaseName drops name if it still points at id.
func (e *Engine) releaseName(name, id string) {
	if owner, err := os.Readlink(e.namePath(name)); err == nil && owner == id {
		os.Remove(e.namePath(name))
	}
}

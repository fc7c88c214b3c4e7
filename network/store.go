package network

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"

	"golang.org/x/sys/unix"

	"myrunc/internal/atomicfile"
	"myrunc/internal/lockfile"
	"myrunc/network/ipam"
)

// Store is <data-root>/network, held under its lock for the life of the
// value: every read-modify-write of networks, pools and containers is one
// critical section, across processes (concurrent hooks, CLI commands).
type Store struct {
	dir  string
	lock *os.File
}

// Open takes the store's lock (blocking) and returns the store; Close
// releases it.
func Open(dataRoot string) (*Store, error) {
	if dataRoot == "" {
		return nil, errors.New("network: no data root")
	}
	dir := filepath.Join(dataRoot, "network")
	for _, d := range []string{"networks", "containers", "files"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o711); err != nil {
			return nil, fmt.Errorf("network store: %w", err)
		}
	}
	f, err := lockfile.Open(filepath.Join(dir, "lock"), unix.LOCK_EX, true)
	if lockfile.IsOpenError(err) {
		return nil, fmt.Errorf("network store: %w", err)
	}
	if err != nil {
		return nil, fmt.Errorf("network store: lock: %w", err)
	}
	return &Store{dir: dir, lock: f}, nil
}

// Close releases the lock.
func (s *Store) Close() error { return s.lock.Close() }

// networkFile is a network and its address pool, written as one file.
type networkFile struct {
	Network *Network        `json:"network"`
	IPAM    json.RawMessage `json:"ipam"`
}

var nameRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9_.-]*$`) })

// ValidName checks a network or container name as Docker does.
func ValidName(kind, name string) error {
	if len(name) > 128 || !nameRE().MatchString(name) {
		return fmt.Errorf("invalid %s name %q: only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed", kind, name)
	}
	return nil
}

func (s *Store) netPath(name string) string { return filepath.Join(s.dir, "networks", name+".json") }
func (s *Store) ctrPath(id string) string   { return filepath.Join(s.dir, "containers", id+".json") }
func (s *Store) filesDir(id string) string  { return filepath.Join(s.dir, "files", id) }

// ErrNotFound names what is missing.
type ErrNotFound struct{ Kind, Name string }

func (e ErrNotFound) Error() string { return fmt.Sprintf("%s %s not found", e.Kind, e.Name) }

// LoadNetwork reads a network and its pool.
func (s *Store) LoadNetwork(name string) (*Network, *ipam.Pool, error) {
	if err := ValidName("network", name); err != nil {
		return nil, nil, err
	}
	data, err := os.ReadFile(s.netPath(name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, ErrNotFound{"network", name}
	}
	if err != nil {
		return nil, nil, err
	}
	var nf networkFile
	if err := json.Unmarshal(data, &nf); err != nil || nf.Network == nil {
		return nil, nil, fmt.Errorf("network %s: corrupt record %s: %v", name, s.netPath(name), err)
	}
	pool, err := ipam.Decode(nf.IPAM)
	if err != nil {
		return nil, nil, fmt.Errorf("network %s: %w", name, err)
	}
	return nf.Network, pool, nil
}

// SaveNetwork writes a network and its pool.
func (s *Store) SaveNetwork(n *Network, pool *ipam.Pool) error {
	data, err := json.Marshal(networkFile{Network: n, IPAM: pool.Encode()})
	if err != nil {
		return err
	}
	return atomicfile.Write(s.netPath(n.Name), data, 0o600)
}

func (s *Store) deleteNetwork(name string) error {
	err := os.Remove(s.netPath(name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

// NetworkNames lists the stored networks, sorted.
func (s *Store) NetworkNames() ([]string, error) {
	return s.names("networks")
}

func (s *Store) names(sub string) ([]string, error) {
	ents, err := os.ReadDir(filepath.Join(s.dir, sub))
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range ents {
		if n, ok := strings.CutSuffix(e.Name(), ".json"); ok && !strings.HasPrefix(n, ".") {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out, nil
}

// LoadContainer reads a prepared container's record.
func (s *Store) LoadContainer(id string) (*Container, error) {
	if err := ValidName("container", id); err != nil {
		return nil, err
	}
	data, err := os.ReadFile(s.ctrPath(id))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNotFound{"container", id}
	}
	if err != nil {
		return nil, err
	}
	var c Container
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, fmt.Errorf("container %s: corrupt network record: %w", id, err)
	}
	return &c, nil
}

// SaveContainer writes a container's record.
func (s *Store) SaveContainer(c *Container) error {
	data, err := json.Marshal(c)
	if err != nil {
		return err
	}
	return atomicfile.Write(s.ctrPath(c.ID), data, 0o600)
}

func (s *Store) deleteContainer(id string) error {
	// the files first: a kill in between leaves a record, which a later
	// release finishes, not files that nothing names
	if err := os.RemoveAll(s.filesDir(id)); err != nil {
		return err
	}
	err := os.Remove(s.ctrPath(id))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

// Containers reads every container record (records that do not decode
// are skipped: one bad file must not stop the others' clean-up).
func (s *Store) Containers() ([]*Container, error) {
	ids, err := s.names("containers")
	if err != nil {
		return nil, err
	}
	out := make([]*Container, 0, len(ids))
	for _, id := range ids {
		if c, err := s.LoadContainer(id); err == nil {
			out = append(out, c)
		}
	}
	return out, nil
}

// withContainer runs fn on a container's record under the lock; a
// container the store does not know is no error (fn does not run).
func withContainer(dataRoot, id string, fn func(*Store, *Container) error) error {
	s, err := Open(dataRoot)
	if err != nil {
		return err
	}
	defer s.Close()
	c, err := s.LoadContainer(id)
	if errors.As(err, new(ErrNotFound)) {
		return nil
	}
	if err != nil {
		return err
	}
	return fn(s, c)
}

// withNamedContainer runs fn on the record of a container found by ID or
// name; an unknown one is an error.
func withNamedContainer(dataRoot, ref string, fn func(*Store, *Container) error) error {
	s, err := Open(dataRoot)
	if err != nil {
		return err
	}
	defer s.Close()
	c, err := s.containerByName(ref)
	if err != nil {
		return err
	}
	return fn(s, c)
}

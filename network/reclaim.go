package network

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"myrunc/internal/atomicfile"
)

// openReclaimed opens the store and reclaims: what lists or removes
// networks must not count users that are gone.
func openReclaimed(dataRoot string) (*Store, error) {
	s, err := Open(dataRoot)
	if err != nil {
		return nil, err
	}
	s.reclaim()
	return s, nil
}

// openNetworks is openReclaimed, with the networks' names.
func openNetworks(dataRoot string) (*Store, []string, error) {
	s, err := openReclaimed(dataRoot)
	if err != nil {
		return nil, nil, err
	}
	names, err := s.NetworkNames()
	if err != nil {
		s.Close()
		return nil, nil, err
	}
	return s, names, nil
}

// reclaim frees what containers that are gone still hold, and says how
// many it cleaned: a record attached to a dead process (the runtime died
// before poststop) is detached; a record whose bundle no longer carries
// our hooks (the container was removed without Release) is released; an
// address whose owner has no record is freed.
func (s *Store) reclaim() int {
	// a command killed between writing a record's temporary and renaming
	// it left the temporary; every writer holds the store's lock, as we do
	for _, sub := range []string{"networks", "containers"} {
		atomicfile.RemoveStale(filepath.Join(s.dir, sub))
	}
	all, err := s.Containers()
	if err != nil {
		return 0
	}
	n := 0
	owners := map[string]bool{}
	for _, c := range all {
		switch {
		case c.Bundle != "" && !bundleHasHooks(c.Bundle, c.ID):
			s.release(c)
			n++
			continue
		case c.Pid != 0 && !processAlive(c.Pid, c.PidStart):
			s.detach(c)
			s.SaveContainer(c)
			s.refreshHosts(c)
			n++
		}
		owners[c.ID] = true
	}
	names, _ := s.NetworkNames()
	for _, name := range names {
		net, pool, err := s.LoadNetwork(name)
		if err != nil {
			continue
		}
		freed := false
		for addr, owner := range pool.Owners() {
			if !owners[owner] {
				pool.Release(addr)
				freed = true
				n++
			}
		}
		if freed {
			s.SaveNetwork(net, pool)
		}
	}
	s.removeOrphanFiles()
	return n
}

// removeOrphanFiles removes the files directories (hosts, hostname,
// resolv.conf) of containers that have no record: a release killed
// between the record's removal and its files' left them for ever.
// Prepare saves the record before it writes the files, under the same
// lock, so under the lock such a directory is no live container's.
func (s *Store) removeOrphanFiles() {
	entries, _ := os.ReadDir(filepath.Join(s.dir, "files"))
	for _, e := range entries {
		if _, err := os.Lstat(s.ctrPath(e.Name())); errors.Is(err, fs.ErrNotExist) {
			os.RemoveAll(s.filesDir(e.Name()))
		}
	}
}

// bundleHasHooks: the bundle's config.json still runs our attach hook
// for id, i.e. the container may still be created or running.
func bundleHasHooks(bundle, id string) bool {
	data, err := os.ReadFile(filepath.Join(bundle, "config.json"))
	if err != nil {
		return !os.IsNotExist(err) // unreadable is no proof it is gone
	}
	var cfg struct {
		Hooks struct {
			CreateRuntime []struct {
				Args []string `json:"args"`
			} `json:"createRuntime"`
		} `json:"hooks"`
	}
	if json.Unmarshal(data, &cfg) != nil {
		return true
	}
	for _, h := range cfg.Hooks.CreateRuntime {
		if isOurHook(h.Args) && slices.Contains(h.Args, id) {
			return true
		}
	}
	return false
}

// isOurHook: args run `myrunc ... network hook ...`.
func isOurHook(args []string) bool {
	i := slices.Index(args, "network")
	return i >= 0 && i+1 < len(args) && args[i+1] == "hook"
}

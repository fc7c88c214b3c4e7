package image

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// GC removes what no image references: work left under tmp/ by a failed
// or killed command, an index write's temporary, blobs, layers, short
// links and lock files. It runs
// alone (no pull, load or container start in progress); with wait false
// it returns at once if one is.
func (s *Store) GC(wait bool) error {
	how := unix.LOCK_EX
	if !wait {
		how |= unix.LOCK_NB
	}
	l, err := flock(s.path("gc.lock"), how)
	if errors.Is(err, errBusy) {
		return nil
	}
	if err != nil {
		return err
	}
	defer l.Close()
	// the index's own lock, if free (a writer holding it may be waiting
	// for gc.lock): a temporary seen under it is no live write's
	if il, err := flock(s.path("lock"), unix.LOCK_EX|unix.LOCK_NB); err == nil {
		s.removeStaleIndexTemps()
		il.Close()
	}
	if err := removeEntries(s.path("tmp"), func(string) bool { return true }); err != nil {
		return err
	}
	blobs, chains, err := s.referenced()
	if err != nil {
		return err
	}
	links := map[string]bool{}
	for c := range chains {
		links[c[:20]] = true
	}
	for dir, keep := range map[string]map[string]bool{"blobs/sha256": blobs, "layers": chains, "l": links, "locks": chains} {
		if err := removeEntries(s.path(dir), func(name string) bool { return !keep[name] }); err != nil {
			return err
		}
	}
	return nil
}

// referenced lists the blobs (hex) and layer chain IDs (hex) that the
// index's images need.
func (s *Store) referenced() (blobs, chains map[string]bool, err error) {
	ix, err := s.readIndex()
	if err != nil {
		return nil, nil, err
	}
	blobs, chains = map[string]bool{}, map[string]bool{}
	for _, r := range ix.Images {
		img, err := s.load(r)
		if err != nil {
			// deleting its layers on a read error would be for good:
			// collect nothing until `image rm` drops the record
			return nil, nil, fmt.Errorf("image %s: %w (garbage collection skipped)", r.ID, err)
		}
		blobs[img.ManifestDigest.Hex] = true
		blobs[img.Manifest.Config.Digest.Hex] = true
		for _, l := range img.Manifest.Layers {
			blobs[l.Digest.Hex] = true
		}
		for _, c := range chainIDs(img.Config.RootFS.DiffIDs) {
			chains[c.Hex] = true
		}
	}
	return blobs, chains, nil
}

// removeEntries removes the entries of dir that drop says to.
func removeEntries(dir string, drop func(name string) bool) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") || !drop(e.Name()) {
			continue
		}
		if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
			return err
		}
	}
	return nil
}

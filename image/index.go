package image

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"time"

	"myrunc/internal/atomicfile"
)

// Record is one image in the index. Its ID is the config's digest
// (Docker's image ID); names are full ("docker.io/library/busybox:latest").
type Record struct {
	ID          string    `json:"id"`
	Manifest    string    `json:"manifest"`
	RepoTags    []string  `json:"repoTags,omitempty"`
	RepoDigests []string  `json:"repoDigests,omitempty"`
	Added       time.Time `json:"added"`
	// Parent is the image a build step was made on (Docker's .Parent);
	// BuildKey says what the step did: a build reuses the child of its
	// current image with the same key (its cache).
	Parent   string `json:"parent,omitempty"`
	BuildKey string `json:"buildKey,omitempty"`
}

type index struct {
	Images []*Record `json:"images"`
}

// readIndex reads index.json as it is: a rename replaces it whole, so no
// lock is needed to read.
func (s *Store) readIndex() (*index, error) {
	data, err := os.ReadFile(s.path("index.json"))
	if errors.Is(err, fs.ErrNotExist) {
		return &index{}, nil
	}
	if err != nil {
		return nil, err
	}
	var ix index
	if err := json.Unmarshal(data, &ix); err != nil {
		return nil, fmt.Errorf("image store index %s: %w", s.path("index.json"), err)
	}
	return &ix, nil
}

// updateIndex runs fn on the index under the index lock and writes the
// result when fn succeeds.
func (s *Store) updateIndex(fn func(*index) error) error {
	l, err := s.lockIndex()
	if err != nil {
		return err
	}
	defer l.Close()
	s.removeStaleIndexTemps()
	ix, err := s.readIndex()
	if err != nil {
		return err
	}
	if err := fn(ix); err != nil {
		return err
	}
	data, err := json.MarshalIndent(ix, "", "\t")
	if err != nil {
		return err
	}
	return atomicfile.Write(s.path("index.json"), data, 0o600)
}

// removeStaleIndexTemps removes the temporaries of index writes killed
// before their rename, which would stay in the store's root for ever.
// Only with the index lock held: then no write is at work.
func (s *Store) removeStaleIndexTemps() { atomicfile.RemoveStale(s.root) }

func (ix *index) byID(id string) *Record {
	for _, r := range ix.Images {
		if r.ID == id {
			return r
		}
	}
	return nil
}

// byTag finds the image a full tag names.
func (ix *index) byTag(tag string) *Record {
	for _, r := range ix.Images {
		if slices.Contains(r.RepoTags, tag) {
			return r
		}
	}
	return nil
}

func (ix *index) byDigest(ref string) *Record {
	for _, r := range ix.Images {
		if slices.Contains(r.RepoDigests, ref) {
			return r
		}
	}
	return nil
}

// untag removes tag from whichever image holds it.
func (ix *index) untag(tag string) {
	for _, r := range ix.Images {
		r.RepoTags = slices.DeleteFunc(r.RepoTags, func(t string) bool { return t == tag })
	}
}

func (ix *index) remove(id string) {
	ix.Images = slices.DeleteFunc(ix.Images, func(r *Record) bool { return r.ID == id })
}

// add records an image (or merges into the one with its ID) and moves
// its tags to it.
func (ix *index) add(rec *Record) *Record {
	for _, t := range rec.RepoTags {
		ix.untag(t)
	}
	old := ix.byID(rec.ID)
	if old == nil {
		ix.Images = append(ix.Images, rec)
		return rec
	}
	for _, t := range rec.RepoTags {
		old.RepoTags = appendNew(old.RepoTags, t)
	}
	for _, d := range rec.RepoDigests {
		old.RepoDigests = appendNew(old.RepoDigests, d)
	}
	old.Manifest = rec.Manifest
	return old
}

func appendNew(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

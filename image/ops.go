package image

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
)

// Tag gives the image src the name dst (moved from any image that had it).
func (s *Store) Tag(src, dst string) error {
	t, err := ParseTag(dst)
	if err != nil {
		return err
	}
	full := FullName(t)
	return s.updateIndex(func(ix *index) error {
		r, err := ix.find(src)
		if err != nil {
			return err
		}
		ix.untag(full)
		r.RepoTags = append(r.RepoTags, full)
		return nil
	})
}

// Removed says what Remove did, in Docker's words.
type Removed struct {
	Untagged []string // full names
	Deleted  []string // image IDs
}

// Remove untags ref, or deletes the image when ref is its ID or its last
// name. An image a container uses is refused unless force; forced, it
// loses its names and stays (dangling) while it is used. An image other
// images were built on loses its names and stays for them. Blobs and
// layers no image needs any more go with it, and so do the untagged
// parents (build steps) no other image needs.
func (s *Store) Remove(ref string, force bool) (*Removed, error) {
	out := &Removed{}
	err := s.updateIndex(func(ix *index) error {
		r, err := ix.find(ref)
		if err != nil {
			return err
		}
		users, err := s.users(r.ID)
		if err != nil {
			return err
		}
		byName := ""
		if pr, err := ParseRef(ref); err == nil && !strings.HasPrefix(r.ID, "sha256:"+strings.TrimPrefix(ref, "sha256:")) {
			if _, isDigest := pr.(name.Digest); !isDigest {
				byName = FullName(pr)
			}
		}
		if byName != "" && len(r.RepoTags) > 1 {
			r.RepoTags = slices.DeleteFunc(r.RepoTags, func(t string) bool { return t == byName })
			out.Untagged = append(out.Untagged, byName)
			return nil
		}
		if len(users) > 0 && !force {
			return fmt.Errorf("conflict: unable to remove repository reference %q (must force) - container %s is using its referenced image %s",
				ref, users[0], shortHex(r.ID))
		}
		if byName == "" && len(r.RepoTags) > 1 && !force {
			return fmt.Errorf("conflict: unable to delete %s (must be forced) - image is referenced in multiple repositories", shortHex(r.ID))
		}
		out.Untagged = append(out.Untagged, r.RepoTags...)
		for _, d := range r.RepoDigests {
			out.Untagged = append(out.Untagged, d)
		}
		r.RepoTags, r.RepoDigests = nil, nil
		if len(users) == 0 && !ix.hasChildren(r.ID) {
			ix.remove(r.ID)
			out.Deleted = append(out.Deleted, r.ID)
			parents, err := s.removeParents(ix, r)
			out.Deleted = append(out.Deleted, parents...)
			return err
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(out.Deleted) > 0 {
		return out, s.GC(true)
	}
	return out, nil
}

// Prune deletes dangling images (no name), or with all every image no
// container uses, and then whatever nothing references.
func (s *Store) Prune(all bool) ([]string, error) {
	var deleted []string
	err := s.updateIndex(func(ix *index) error {
		// a pass over the images in order meets parents before their
		// children: another pass takes the parents -a frees
		for n := -1; n != len(ix.Images); {
			n = len(ix.Images)
			if err := s.pruneOnce(ix, all, &deleted); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return deleted, s.GC(true)
}

func (s *Store) pruneOnce(ix *index, all bool, deleted *[]string) error {
	for _, r := range slices.Clone(ix.Images) {
		// an image with children is an intermediate build step: it
		// goes with the last of them
		if len(r.RepoTags) > 0 && !all || ix.byID(r.ID) == nil || ix.hasChildren(r.ID) {
			continue
		}
		users, err := s.users(r.ID)
		if err != nil {
			return err
		}
		if len(users) == 0 {
			ix.remove(r.ID)
			*deleted = append(*deleted, r.ID)
			parents, err := s.removeParents(ix, r)
			*deleted = append(*deleted, parents...)
			if err != nil {
				return err
			}
		}
	}
	return nil
}

func shortHex(id string) string {
	h := strings.TrimPrefix(id, "sha256:")
	if len(h) > 12 {
		h = h[:12]
	}
	return h
}

// Use records that container id's root filesystem is made from image
// imageID (written by whoever creates the container: image rm then
// refuses the image). Unuse drops the record.
func (s *Store) Use(id, imageID string) error {
	if err := checkContainerID(id); err != nil {
		return err
	}
	return os.WriteFile(s.path("uses", id), []byte(imageID), 0o600)
}

// Unuse drops container id's use record; a missing one is no error.
func (s *Store) Unuse(id string) error {
	if err := checkContainerID(id); err != nil {
		return err
	}
	if err := os.Remove(s.path("uses", id)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}

// users lists the containers that use image id.
func (s *Store) users(id string) ([]string, error) {
	entries, err := os.ReadDir(s.path("uses"))
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		data, err := os.ReadFile(s.path("uses", e.Name()))
		if err == nil && string(data) == id {
			out = append(out, e.Name())
		}
	}
	return out, nil
}

func checkContainerID(id string) error {
	if id == "" || id == "." || id == ".." || strings.ContainsAny(id, "/\x00") || len(id) > 1024 {
		return fmt.Errorf("bad container id %q", id)
	}
	return nil
}

package image

import "slices"

// BuildCache finds the images earlier builds made: a step's image is the
// child of the image it ran on, recorded with the step's key.
type BuildCache struct {
	s     *Store
	steps map[[2]string]*Record // {parent ID, key}
}

// BuildCache reads the store's build steps once.
func (s *Store) BuildCache() (*BuildCache, error) {
	ix, err := s.readIndex()
	if err != nil {
		return nil, err
	}
	c := &BuildCache{s: s, steps: map[[2]string]*Record{}}
	for _, r := range ix.Images {
		if r.BuildKey != "" {
			c.steps[[2]string{r.Parent, r.BuildKey}] = r
		}
	}
	return c, nil
}

// Lookup is the image a step with key made on parent ("" for scratch),
// nil when there is none or it cannot be read.
func (c *BuildCache) Lookup(parent, key string) *Image {
	r := c.steps[[2]string{parent, key}]
	if r == nil {
		return nil
	}
	img, err := c.s.load(r)
	if err != nil || !c.s.hasLayers(img) {
		return nil
	}
	return img
}

// Add remembers a step's image made during this build.
func (c *BuildCache) Add(img *Image) {
	if img.BuildKey != "" {
		c.steps[[2]string{img.Parent, img.BuildKey}] = &img.Record
	}
}

func (s *Store) hasLayers(img *Image) bool {
	for _, c := range chainIDs(img.Config.RootFS.DiffIDs) {
		if !s.hasLayer(c) {
			return false
		}
	}
	return true
}

// hasChildren says whether an image of ix was built on id.
func (ix *index) hasChildren(id string) bool {
	return slices.ContainsFunc(ix.Images, func(r *Record) bool { return r.Parent == id })
}

// removeParents removes r's parents while they are intermediate build
// images: untagged, without other children, used by no container (as
// Docker deletes untagged parents with an image). It returns their IDs.
func (s *Store) removeParents(ix *index, r *Record) ([]string, error) {
	var out []string
	for p := ix.byID(r.Parent); p != nil && len(p.RepoTags) == 0 && !ix.hasChildren(p.ID); p = ix.byID(p.Parent) {
		users, err := s.users(p.ID)
		if err != nil {
			return out, err
		}
		if len(users) > 0 {
			break
		}
		ix.remove(p.ID)
		out = append(out, p.ID)
	}
	return out, nil
}

// RemoveSteps removes the build-step images ids (what a failed build
// made) that are still untagged, without children and used by no
// container, newest first, then what only they used.
func (s *Store) RemoveSteps(ids []string) error {
	err := s.updateIndex(func(ix *index) error {
		for i := len(ids) - 1; i >= 0; i-- {
			r := ix.byID(ids[i])
			if r == nil || len(r.RepoTags) > 0 || ix.hasChildren(r.ID) {
				continue
			}
			if users, err := s.users(r.ID); err != nil || len(users) > 0 {
				continue
			}
			ix.remove(r.ID)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return s.GC(true)
}

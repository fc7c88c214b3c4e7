package rootfs

import (
	"errors"
	"fmt"
	"slices"
	"sort"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// IDMap says a bind mount is idmapped (mount_setattr MOUNT_ATTR_IDMAP).
// The init cannot make one: it needs CAP_SYS_ADMIN over the source's
// filesystem, which only the host has. So the runtime clones the source
// (open_tree), applies the mapping and sends the detached tree to the init
// with the Config; the init attaches it in the place of the bind.
type IDMap struct {
	// UIDMappings and GIDMappings are the mount's own; both empty with
	// ContainerUserNS: the container's user namespace is the mapping.
	UIDMappings []specs.LinuxIDMapping `json:"uidMappings,omitempty"`
	GIDMappings []specs.LinuxIDMapping `json:"gidMappings,omitempty"`
	// ContainerUserNS: map with the container's own user namespace (idmap
	// without mappings, or mappings equal to the container's).
	ContainerUserNS bool `json:"containerUserNS,omitempty"`
	// Recursive (ridmap): submounts of an rbind are idmapped too;
	// otherwise only the top mount is.
	Recursive bool `json:"recursive,omitempty"`
	// File is the index of the detached tree in the files sent with the
	// Config; the runtime sets it when it has made the tree.
	File int `json:"file"`
	// CloneOnly: no mapping; the runtime clones a bind's source for an
	// init in a user namespace, whose root may be unable to reach it (a
	// directory only host root may search), as runc opens such sources
	// before the init enters the namespace.
	CloneOnly bool `json:"cloneOnly,omitempty"`
}

// maxMapLines is the kernel's limit on lines in uid_map and gid_map.
const maxMapLines = 340

// idmapFor decides whether mount m is idmapped and with which mapping. It
// follows runtime-spec 1.3 "Mounts": idmap/ridmap take the mount's
// uidMappings/gidMappings, or else the container's user namespace (an
// error without one); mappings without either option still apply, as
// idmap, so they are never silently ignored. Only bind mounts can be
// idmapped here: the mapping is applied to a clone of the source.
func idmapFor(in Input, m specs.Mount, o MountOptions, bind bool) (*IDMap, error) {
	own := len(m.UIDMappings) > 0 || len(m.GIDMappings) > 0
	if !o.IDMap && !o.RecursiveIDMap && !own {
		return nil, nil
	}
	if !bind {
		return nil, errors.New("idmapped mounts (idmap, ridmap, uidMappings, gidMappings) are only supported for bind mounts")
	}
	if !own {
		if !in.InUserNS {
			return nil, errors.New("idmap without uidMappings and gidMappings maps with the container's user namespace, but the container has none (add a user namespace or give the mount its own mappings)")
		}
		return &IDMap{ContainerUserNS: true, Recursive: o.RecursiveIDMap}, nil
	}
	if len(m.UIDMappings) == 0 || len(m.GIDMappings) == 0 {
		return nil, errors.New("uidMappings and gidMappings must be given together")
	}
	if err := CheckIDMappings(m.UIDMappings); err != nil {
		return nil, fmt.Errorf("uidMappings: %w", err)
	}
	if err := CheckIDMappings(m.GIDMappings); err != nil {
		return nil, fmt.Errorf("gidMappings: %w", err)
	}
	idm := &IDMap{UIDMappings: m.UIDMappings, GIDMappings: m.GIDMappings, Recursive: o.RecursiveIDMap}
	if sameAsContainer(in.Spec, m) {
		// the container's namespace already holds this mapping: no need
		// for one of our own
		idm = &IDMap{ContainerUserNS: true, Recursive: o.RecursiveIDMap}
	}
	return idm, nil
}

// sameAsContainer says the mount's mappings are those the container's new
// user namespace is made with. (A joined namespace's maps are not known
// from the spec, so its mounts get a namespace of their own.)
func sameAsContainer(s *specs.Spec, m specs.Mount) bool {
	if s == nil || s.Linux == nil || !newUserNS(s.Linux) {
		return false
	}
	return slices.Equal(m.UIDMappings, s.Linux.UIDMappings) && slices.Equal(m.GIDMappings, s.Linux.GIDMappings)
}

func newUserNS(l *specs.Linux) bool {
	return slices.ContainsFunc(l.Namespaces, func(n specs.LinuxNamespace) bool {
		return n.Type == specs.UserNamespace && n.Path == ""
	})
}

// CheckIDMappings rejects what the kernel would refuse when the map is
// written: empty or wrapping ranges, overlapping ranges on either side, and
// more lines than uid_map takes.
func CheckIDMappings(maps []specs.LinuxIDMapping) error {
	if len(maps) > maxMapLines {
		return fmt.Errorf("%d ranges, the kernel takes at most %d", len(maps), maxMapLines)
	}
	for i, m := range maps {
		if m.Size == 0 {
			return fmt.Errorf("[%d].size must be positive", i)
		}
		if uint64(m.ContainerID)+uint64(m.Size) > 1<<32 || uint64(m.HostID)+uint64(m.Size) > 1<<32 {
			return fmt.Errorf("[%d] goes past the largest id 4294967295", i)
		}
	}
	if err := noOverlap(maps, func(m specs.LinuxIDMapping) uint32 { return m.ContainerID }, "containerID"); err != nil {
		return err
	}
	return noOverlap(maps, func(m specs.LinuxIDMapping) uint32 { return m.HostID }, "hostID")
}

func noOverlap(maps []specs.LinuxIDMapping, start func(specs.LinuxIDMapping) uint32, side string) error {
	idx := make([]int, len(maps))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return start(maps[idx[a]]) < start(maps[idx[b]]) })
	for k := 1; k < len(idx); k++ {
		prev, cur := maps[idx[k-1]], maps[idx[k]]
		if uint64(start(prev))+uint64(prev.Size) > uint64(start(cur)) {
			return fmt.Errorf("[%d] and [%d] overlap in %s", idx[k-1], idx[k], side)
		}
	}
	return nil
}

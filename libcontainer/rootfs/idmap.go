package rootfs

import (
	"errors"
	"slices"

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

// errIDMapUnchecked is an idmapped mount spec.Validate would have
// refused; the rules and their explanations live there.
var errIDMapUnchecked = errors.New("idmapped mount options and mappings that spec.Validate refuses")

// idmapFor decides whether mount m is idmapped and with which mapping. It
// follows runtime-spec 1.3 "Mounts": idmap/ridmap take the mount's
// uidMappings/gidMappings, or else the container's user namespace;
// mappings without either option still apply, as idmap, so they are never
// silently ignored. Only bind mounts can be idmapped here: the mapping is
// applied to a clone of the source. The spec is validated already.
func idmapFor(in Input, m specs.Mount, o MountOptions, bind bool) (*IDMap, error) {
	own := len(m.UIDMappings) > 0 || len(m.GIDMappings) > 0
	if !o.IDMap && !o.RecursiveIDMap && !own {
		return nil, nil
	}
	if !bind || (!own && !in.InUserNS) || (own && (len(m.UIDMappings) == 0 || len(m.GIDMappings) == 0)) {
		return nil, errIDMapUnchecked
	}
	if !own {
		return &IDMap{ContainerUserNS: true, Recursive: o.RecursiveIDMap}, nil
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

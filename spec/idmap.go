package spec

import (
	"slices"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// hasIDMapOption: the mount asks to be idmapped (runtime-spec 1.3).
func hasIDMapOption(m specs.Mount) bool {
	return slices.Contains(m.Options, "idmap") || slices.Contains(m.Options, "ridmap")
}

// checkIDMapMount: only bind mounts can be idmapped (the mapping is put on
// a clone of the source); anything else asking for it is refused rather
// than mounted without the mapping.
func checkIDMapMount(p string, m specs.Mount) error {
	if isBind(m) {
		return nil
	}
	switch {
	case hasIDMapOption(m):
		return fieldErr(p+".options", "idmap and ridmap are only supported for bind mounts")
	case len(m.UIDMappings) > 0:
		return fieldErr(p+".uidMappings", "idmapped mounts are only supported for bind mounts")
	case len(m.GIDMappings) > 0:
		return fieldErr(p+".gidMappings", "idmapped mounts are only supported for bind mounts")
	}
	return nil
}

// checkIDMapUserNS: idmap or ridmap without mappings of the mount's own
// maps with the container's user namespace, so the container needs one.
func checkIDMapUserNS(mounts []specs.Mount, ns nsSet) error {
	if ns.has(specs.UserNamespace) {
		return nil
	}
	for i, m := range mounts {
		if hasIDMapOption(m) && len(m.UIDMappings) == 0 && len(m.GIDMappings) == 0 {
			return fieldErr(at("mounts", i)+".options", "idmap without uidMappings and gidMappings maps with the container's user namespace, but there is none (add one to linux.namespaces, or give the mount its own mappings)")
		}
	}
	return nil
}

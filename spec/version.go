package spec

import (
	"strconv"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// semver with major fixed to 1: MINOR.PATCH, optional pre-release ("-dev",
// "-rc5") and build metadata. runc writes "1.0.2-dev", so pre-releases of
// released versions must pass.

// SupportedVersion reports whether a config.json with ociVersion v can be run.
// The spec is backwards compatible within major 1, so any 1.x.y up to the
// minor of the runtime-spec module we are built with is accepted; newer minors
// may carry fields we would silently ignore.
func SupportedVersion(v string) error {
	loadTables()
	if v == "" {
		return fieldErr("ociVersion", "must be set")
	}
	m := versionRE.FindStringSubmatch(v)
	if m != nil {
		minor, err := strconv.Atoi(m[1])
		if err == nil && minor <= specs.VersionMinor {
			return nil
		}
	}
	return fieldErr("ociVersion", "unsupported version %q (this runtime supports 1.0.0 to %s)", v, specs.Version)
}

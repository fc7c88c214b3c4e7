package spec

import (
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// Validate checks a spec before anything is created, so bad input fails with
// the JSON path of the wrong field instead of half-way through container
// setup. It returns the first problem, in config.json order, as a
// *FieldError. It is pure apart from a stat of root.path and a look at
// which LSMs the host enforces (lsm.go), and never panics: every optional
// section may be nil.
//
// It checks what can be known from the file alone; whether the kernel has a
// capability, a namespace file really is of its type (for paths outside
// /proc/<pid>/ns) or a joined network namespace is the host's is left to
// the runtime, which must still fail cleanly on those.
func Validate(s *specs.Spec) error {
	loadTables()
	if s == nil {
		return fieldErr(ConfigName, "no configuration")
	}
	return first(
		func() error { return SupportedVersion(s.Version) },
		func() error { return validateRoot(s.Root) },
		func() error { return ValidateProcess(s.Process) },
		func() error { return checkNames(s) },
		func() error { return validateMounts(s.Mounts) },
		func() error { return validateHooks(s.Hooks) },
		func() error { return validateNamespaces(s) },
		func() error { return validateLinux(s.Linux) },
		func() error { return checkInitSurvivesSeccomp(s) },
	)
}

func checkInitSurvivesSeccomp(s *specs.Spec) error {
	if s.Linux == nil {
		return nil
	}
	return CheckSeccompForProcess(s.Linux.Seccomp, s.Process)
}

// ValidateExec checks a process that `exec` would start in a container
// created from container: the process itself, and what the container's
// settings mean for it.
func ValidateExec(p *specs.Process, container *specs.Spec) error {
	if err := ValidateProcess(p); err != nil {
		return err
	}
	if container != nil && container.Linux != nil {
		return CheckSeccompForProcess(container.Linux.Seccomp, p)
	}
	return nil
}

// validateRoot requires root.path to be an existing directory. A relative
// path (only when Validate is called without Load) is taken relative to the
// working directory, as runc does after it changes into the bundle.
func validateRoot(r *specs.Root) error {
	if r == nil {
		return fieldErr("root", "must be set")
	}
	if r.Path == "" {
		return fieldErr("root.path", "must be set")
	}
	if err := checkPathString("root.path", r.Path); err != nil {
		return err
	}
	abs, err := filepath.Abs(r.Path)
	if err != nil {
		abs = r.Path
	}
	fi, err := os.Stat(r.Path)
	var pe *fs.PathError
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fieldErr("root.path", "%s does not exist", abs)
	case errors.As(err, &pe):
		return fieldErr("root.path", "cannot access %s: %v", abs, pe.Err)
	case err != nil:
		return fieldErr("root.path", "cannot access %s: %v", abs, err)
	case !fi.IsDir():
		return fieldErr("root.path", "%s is not a directory", abs)
	}
	return nil
}

// isBind reports whether m is a bind mount, which takes its source from the
// host instead of creating a filesystem of a type.
func isBind(m specs.Mount) bool {
	return m.Type == "bind" || slices.Contains(m.Options, "bind") || slices.Contains(m.Options, "rbind")
}

// validateMounts checks each mount for what the mount(2) call will need.
// Relative destinations are rejected here; Load has already joined them
// with "/" for configs read from disk.
func validateMounts(ms []specs.Mount) error {
	for i, m := range ms {
		p := at("mounts", i)
		switch {
		case m.Destination == "":
			return fieldErr(p+".destination", "must be set")
		case !path.IsAbs(m.Destination):
			return fieldErr(p+".destination", "must be an absolute path")
		}
		if err := checkPathString(p+".destination", m.Destination); err != nil {
			return err
		}
		if err := checkPathString(p+".source", m.Source); err != nil {
			return err
		}
		bind := isBind(m)
		if bind && m.Source == "" {
			return fieldErr(p+".source", "required for a bind mount")
		}

		if !bind && m.Type == "" {
			return fieldErr(p+".type", "required unless the mount is a bind mount")
		}
		if err := checkIDMapMount(p, m); err != nil {
			return err
		}
		if len(m.UIDMappings) > 0 && len(m.GIDMappings) == 0 {
			return fieldErr(p+".gidMappings", "required with uidMappings (idmapped mount)")
		}
		if len(m.GIDMappings) > 0 && len(m.UIDMappings) == 0 {
			return fieldErr(p+".uidMappings", "required with gidMappings (idmapped mount)")
		}
		if err := checkMappings(p+".uidMappings", m.UIDMappings); err != nil {
			return err
		}
		if err := checkMappings(p+".gidMappings", m.GIDMappings); err != nil {
			return err
		}
		if bind {
			if err := checkExists(p+".source", m.Source); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkExists requires a host path that can be reached (a bind source, a
// hook run by the runtime). Load makes relative bind sources absolute.
func checkExists(field, p string) error {
	_, err := os.Stat(p)
	var pe *fs.PathError
	switch {
	case err == nil:
		return nil
	case errors.Is(err, fs.ErrNotExist):
		return fieldErr(field, "%s does not exist", p)
	case errors.As(err, &pe):
		return fieldErr(field, "cannot access %s: %v", p, pe.Err)
	}
	return fieldErr(field, "cannot access %s: %v", p, err)
}

// maxHostname is the kernel's limit for sethostname and setdomainname.
const maxHostname = 64

// checkNames checks hostname, domainname and annotation keys.
func checkNames(s *specs.Spec) error {
	if len(s.Hostname) > maxHostname || strings.IndexByte(s.Hostname, 0) >= 0 {
		return fieldErr("hostname", "must be at most %d bytes, without NUL", maxHostname)
	}
	if len(s.Domainname) > maxHostname || strings.IndexByte(s.Domainname, 0) >= 0 {
		return fieldErr("domainname", "must be at most %d bytes, without NUL", maxHostname)
	}
	if _, ok := s.Annotations[""]; ok {
		return fieldErr(`annotations[""]`, "an annotation key must not be empty")
	}
	return nil
}

// validateHooks requires absolute hook paths (hooks run with no PATH lookup)
// and positive timeouts (zero or less would kill every hook at once).
func validateHooks(h *specs.Hooks) error {
	if h == nil {
		return nil
	}
	sets := []struct {
		name  string
		hooks []specs.Hook
	}{
		{"prestart", h.Prestart}, {"createRuntime", h.CreateRuntime},
		{"createContainer", h.CreateContainer}, {"startContainer", h.StartContainer},
		{"poststart", h.Poststart}, {"poststop", h.Poststop},
	}
	for _, set := range sets {
		for i, hk := range set.hooks {
			p := at("hooks."+set.name, i)
			switch {
			case hk.Path == "":
				return fieldErr(p+".path", "must be set")
			case !filepath.IsAbs(hk.Path):
				return fieldErr(p+".path", "must be an absolute path")
			case hk.Timeout != nil && *hk.Timeout <= 0:
				return fieldErr(p+".timeout", "must be positive")
			}
			if err := checkPathString(p+".path", hk.Path); err != nil {
				return err
			}
			// these run in the runtime's namespaces, before the container
			// can run at all: a missing one fails create anyway
			if set.name == "prestart" || set.name == "createRuntime" {
				if err := checkExists(p+".path", hk.Path); err != nil {
					return err
				}
			}
			if err := checkEnv(p+".env", hk.Env); err != nil {
				return err
			}
		}
	}
	return nil
}

package spec

import (
	"slices"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// Opt changes a spec: the engine builds a container's config.json from
// Default() and a list of these (image settings, then the user's flags).
type Opt func(*specs.Spec) error

// Apply runs opts on s in order.
func Apply(s *specs.Spec, opts ...Opt) error {
	for _, o := range opts {
		if err := o(s); err != nil {
			return err
		}
	}
	return nil
}

// WithArgs sets the process's command line.
func WithArgs(args ...string) Opt {
	return func(s *specs.Spec) error { s.Process.Args = slices.Clone(args); return nil }
}

// WithEnv sets variables (K=V), replacing earlier ones of the same name;
// a bare K removes K.
func WithEnv(env ...string) Opt {
	return func(s *specs.Spec) error {
		for _, kv := range env {
			k, _, hasValue := strings.Cut(kv, "=")
			s.Process.Env = slices.DeleteFunc(s.Process.Env, func(e string) bool { return strings.HasPrefix(e, k+"=") })
			if hasValue {
				s.Process.Env = append(s.Process.Env, kv)
			}
		}
		return nil
	}
}

// WithDefaultEnv sets K=V unless K is set already.
func WithDefaultEnv(k, v string) Opt {
	return func(s *specs.Spec) error {
		if !slices.ContainsFunc(s.Process.Env, func(e string) bool { return strings.HasPrefix(e, k+"=") }) {
			s.Process.Env = append(s.Process.Env, k+"="+v)
		}
		return nil
	}
}

// WithCwd sets the working directory ("" keeps "/").
func WithCwd(dir string) Opt {
	return func(s *specs.Spec) error {
		if dir != "" {
			s.Process.Cwd = dir
		}
		return nil
	}
}

// WithUser sets the process's uid, gid and supplementary groups.
func WithUser(uid, gid uint32, groups []uint32) Opt {
	return func(s *specs.Spec) error {
		s.Process.User = specs.User{UID: uid, GID: gid, AdditionalGids: slices.Clone(groups)}
		return nil
	}
}

// WithRoot sets the root filesystem's path and whether it is read-only.
func WithRoot(path string, readonly bool) Opt {
	return func(s *specs.Spec) error { s.Root = &specs.Root{Path: path, Readonly: readonly}; return nil }
}

// WithTerminal gives the process a pty.
func WithTerminal(tty bool) Opt {
	return func(s *specs.Spec) error { s.Process.Terminal = tty; return nil }
}

// WithHostname sets the UTS hostname.
func WithHostname(h string) Opt {
	return func(s *specs.Spec) error { s.Hostname = h; return nil }
}

// WithCgroupsPath sets linux.cgroupsPath.
func WithCgroupsPath(p string) Opt {
	return func(s *specs.Spec) error { s.Linux.CgroupsPath = p; return nil }
}

// WithAnnotations adds annotations.
func WithAnnotations(a map[string]string) Opt {
	return func(s *specs.Spec) error {
		if len(a) == 0 {
			return nil
		}
		if s.Annotations == nil {
			s.Annotations = map[string]string{}
		}
		for k, v := range a {
			s.Annotations[k] = v
		}
		return nil
	}
}

// WithCapabilities sets the bounding, effective and permitted sets (the
// ambient and inheritable sets are left empty, as Docker does).
func WithCapabilities(caps []string) Opt {
	return func(s *specs.Spec) error {
		s.Process.Capabilities = &specs.LinuxCapabilities{
			Bounding: slices.Clone(caps), Effective: slices.Clone(caps), Permitted: slices.Clone(caps),
		}
		return nil
	}
}

// WithNoNewPrivileges sets process.noNewPrivileges.
func WithNoNewPrivileges(on bool) Opt {
	return func(s *specs.Spec) error { s.Process.NoNewPrivileges = on; return nil }
}

// WithoutNamespace drops a namespace (the host's is shared then).
func WithoutNamespace(t specs.LinuxNamespaceType) Opt {
	return func(s *specs.Spec) error {
		s.Linux.Namespaces = slices.DeleteFunc(s.Linux.Namespaces, func(n specs.LinuxNamespace) bool { return n.Type == t })
		return nil
	}
}

// DockerCapabilities are the capabilities Docker gives a container by
// default.
func DockerCapabilities() []string {
	return []string{"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW",
		"CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT",
		"CAP_KILL", "CAP_AUDIT_WRITE"}
}

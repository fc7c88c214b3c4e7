package libcontainer

import specs "github.com/opencontainers/runtime-spec/specs-go"

// initSpec is the part of the spec the init reads. Mounts, devices and
// masked paths reach it as the rootfs plan, the seccomp profile compiled,
// and resources it never sees: decoding JSON the init would not use costs
// it a cold decoder's time on every start (engines' seccomp profiles are
// tens of kilobytes).
func initSpec(s *specs.Spec) *specs.Spec {
	out := &specs.Spec{
		Version:     s.Version,
		Process:     s.Process,
		Root:        s.Root,
		Hostname:    s.Hostname,
		Domainname:  s.Domainname,
		Hooks:       s.Hooks,
		Annotations: s.Annotations,
	}
	if l := s.Linux; l != nil {
		out.Linux = &specs.Linux{
			Namespaces:  l.Namespaces,
			Sysctl:      l.Sysctl,
			TimeOffsets: l.TimeOffsets,
			Personality: l.Personality,
			// Prepare: the propagation "/" gets before the mounts
			RootfsPropagation: l.RootfsPropagation,
			MemoryPolicy:      l.MemoryPolicy,
		}
	}
	return out
}

package network

import (
	"path/filepath"
	"slices"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// result turns a prepared record into what goes into the spec.
func (s *Store) result(dataRoot, exe string, c *Container, joinNetNS string) (*Result, error) {
	r := &Result{Hostname: c.Hostname, Endpoints: c.Endpoints, Ports: c.Ports}
	switch c.Mode {
	case NetworkHost:
		r.NetNS = NetworkHost
	case "container":
		r.NetNS = joinNetNS
	}
	hook := func(verb string) specs.Hook {
		return specs.Hook{Path: exe, Args: []string{"myrunc", "--data-root", dataRoot, "network", "hook", verb, c.ID}}
	}
	r.Hooks.CreateRuntime = []specs.Hook{hook("attach")}
	r.Hooks.Poststop = []specs.Hook{hook("detach")}
	dir := s.filesDir(c.ID)
	if c.Mode == "container" && c.JoinedID != "" {
		if _, err := s.LoadContainer(c.JoinedID); err == nil {
			dir = s.filesDir(c.JoinedID)
		}
	}
	if c.Mode != "container" || dir != s.filesDir(c.ID) {
		for _, f := range []string{"hosts", "hostname", "resolv.conf"} {
			r.Mounts = append(r.Mounts, specs.Mount{Destination: "/etc/" + f, Type: "bind",
				Source: filepath.Join(dir, f), Options: []string{"rbind", "rprivate"}})
		}
	}
	return r, nil
}

// Apply puts the result into a spec: the network namespace (new, none
// for host, or the joined one's path), the hostname, the hooks (replacing
// hooks of ours already there) and the file mounts.
func (r *Result) Apply(s *specs.Spec) {
	if s.Linux == nil {
		s.Linux = &specs.Linux{}
	}
	ns := slices.DeleteFunc(s.Linux.Namespaces, func(n specs.LinuxNamespace) bool { return n.Type == specs.NetworkNamespace })
	switch r.NetNS {
	case NetworkHost:
	case "":
		ns = append(ns, specs.LinuxNamespace{Type: specs.NetworkNamespace})
	default:
		ns = append(ns, specs.LinuxNamespace{Type: specs.NetworkNamespace, Path: r.NetNS})
	}
	s.Linux.Namespaces = ns
	hasUTS := slices.ContainsFunc(ns, func(n specs.LinuxNamespace) bool { return n.Type == specs.UTSNamespace && n.Path == "" })
	if hasUTS {
		s.Hostname = r.Hostname
	}
	if s.Hooks == nil {
		s.Hooks = &specs.Hooks{}
	}
	ours := func(h specs.Hook) bool { return isOurHook(h.Args) }
	s.Hooks.CreateRuntime = append(slices.DeleteFunc(s.Hooks.CreateRuntime, ours), r.Hooks.CreateRuntime...)
	s.Hooks.Poststop = append(slices.DeleteFunc(s.Hooks.Poststop, ours), r.Hooks.Poststop...)
	s.Mounts = slices.DeleteFunc(s.Mounts, func(m specs.Mount) bool {
		return slices.ContainsFunc(r.Mounts, func(o specs.Mount) bool { return o.Destination == m.Destination })
	})
	s.Mounts = append(s.Mounts, r.Mounts...)
}

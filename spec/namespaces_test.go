package spec

import (
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// setNS replaces (or adds) a namespace, like runtime-tools'
// AddOrReplaceLinuxNamespace.
func setNS(typ specs.LinuxNamespaceType, path string) func(*specs.Spec) {
	return func(s *specs.Spec) {
		for i := range s.Linux.Namespaces {
			if s.Linux.Namespaces[i].Type == typ {
				s.Linux.Namespaces[i].Path = path
				return
			}
		}
		s.Linux.Namespaces = append(s.Linux.Namespaces, specs.LinuxNamespace{Type: typ, Path: path})
	}
}

func dropNS(typ specs.LinuxNamespaceType) func(*specs.Spec) {
	return func(s *specs.Spec) {
		var keep []specs.LinuxNamespace
		for _, ns := range s.Linux.Namespaces {
			if ns.Type != typ {
				keep = append(keep, ns)
			}
		}
		s.Linux.Namespaces = keep
	}
}

func all(fs ...func(*specs.Spec)) func(*specs.Spec) {
	return func(s *specs.Spec) {
		for _, f := range fs {
			f(s)
		}
	}
}

func mappings(s *specs.Spec) {
	s.Linux.UIDMappings = []specs.LinuxIDMapping{{HostID: 1000, ContainerID: 0, Size: 2000}}
	s.Linux.GIDMappings = []specs.LinuxIDMapping{{HostID: 1000, ContainerID: 0, Size: 3000}}
}

func sysctl(k string) func(*specs.Spec) {
	return func(s *specs.Spec) { s.Linux.Sysctl = map[string]string{k: "1"} }
}

func TestValidateNamespaces(t *testing.T) {
	runCases(t, []vcase{
		{"unknown type", setNS("net", ""), `linux.namespaces[5].type: unknown namespace type "net" (want pid, network, mount, ipc, uts, user, cgroup or time)`},
		{"duplicate", func(s *specs.Spec) {
			s.Linux.Namespaces = append(s.Linux.Namespaces, specs.LinuxNamespace{Type: "pid"})
		},
			`linux.namespaces[5].type: duplicate "pid" (also in linux.namespaces[0])`},
		{"path relative", setNS(specs.NetworkNamespace, "run/netns/x"), "linux.namespaces[1].path: must be an absolute path"},
		// runtime-tools linux_ns_path_type: a /proc ns file of the wrong type.
		{"path wrong type", setNS(specs.CgroupNamespace, "/proc/self/ns/ipc"), "linux.namespaces[5].path: /proc/self/ns/ipc is of type ipc, not cgroup"},
		{"path wrong type mnt", setNS(specs.MountNamespace, "/proc/self/ns/net"), "linux.namespaces[4].path: /proc/self/ns/net is of type network, not mount"},
		{"path wrong type user", setNS(specs.UserNamespace, "/proc/self/ns/uts"), "linux.namespaces[5].path: /proc/self/ns/uts is of type uts, not user"},
		{"path pid_for_children", setNS(specs.PIDNamespace, "/proc/1234/ns/pid_for_children"), ""},
		{"path task", setNS(specs.NetworkNamespace, "/proc/1/task/1/ns/net"), ""},
		{"path bind mount", setNS(specs.NetworkNamespace, "/run/netns/blue"), ""},
		{"user ns joined", setNS(specs.UserNamespace, "/proc/1/ns/user"), ""},
		// runtime-tools linux_ns_itype: no namespaces at all (and no hostname).
		{"no namespaces", func(s *specs.Spec) { s.Linux.Namespaces, s.Hostname = nil, "" }, ""},
		// runtime-tools linux_ns_nopath: every namespace new, with mappings.
		{"all new", all(setNS(specs.CgroupNamespace, ""), setNS(specs.UserNamespace, ""), setNS(specs.TimeNamespace, ""), mappings), ""},
	})
}

func TestValidateUserMappings(t *testing.T) {
	runCases(t, []vcase{
		{"uid maps without userns", mappings, "linux.uidMappings: requires a user namespace"},
		{"gid maps without userns", func(s *specs.Spec) { mappings(s); s.Linux.UIDMappings = nil }, "linux.gidMappings: requires a user namespace"},
		{"new userns without maps", setNS(specs.UserNamespace, ""), "linux.uidMappings: required for a new user namespace"},
		{"new userns without gid map", all(setNS(specs.UserNamespace, ""), mappings, func(s *specs.Spec) { s.Linux.GIDMappings = nil }),
			"linux.gidMappings: required for a new user namespace"},
		{"size zero", all(setNS(specs.UserNamespace, ""), mappings, func(s *specs.Spec) { s.Linux.UIDMappings[0].Size = 0 }),
			"linux.uidMappings[0].size: must be positive"},
		// runtime-tools linux_uid_mappings.
		{"userns with maps", all(setNS(specs.UserNamespace, ""), mappings), ""},
		{"idmap with the container's user namespace", all(setNS(specs.UserNamespace, ""), mappings, func(s *specs.Spec) {
			s.Mounts = append(s.Mounts, specs.Mount{Destination: "/mnt", Source: "/", Type: "bind", Options: []string{"idmap"}})
		}), ""},
	})
}

func TestValidateTimeOffsets(t *testing.T) {
	offsets := func(clock string) func(*specs.Spec) {
		return func(s *specs.Spec) { s.Linux.TimeOffsets = map[string]specs.LinuxTimeOffset{clock: {Secs: 10}} }
	}
	runCases(t, []vcase{
		{"without time ns", offsets("monotonic"), "linux.timeOffsets: requires a time namespace"},
		{"joined time ns", all(setNS(specs.TimeNamespace, "/proc/1/ns/time"), offsets("boottime")), "linux.timeOffsets: cannot be set when joining an existing time namespace"},
		{"unknown clock", all(setNS(specs.TimeNamespace, ""), offsets("realtime")), `linux.timeOffsets["realtime"]: unknown clock "realtime" (want monotonic or boottime)`},
		{"good", all(setNS(specs.TimeNamespace, ""), offsets("monotonic")), ""},
	})
}

func TestValidateHostname(t *testing.T) {
	runCases(t, []vcase{
		{"hostname without uts", dropNS(specs.UTSNamespace), "hostname: requires a uts namespace"},
		{"hostname without linux", func(s *specs.Spec) { s.Linux = nil }, "hostname: requires a uts namespace"},
		{"domainname without uts", func(s *specs.Spec) { dropNS(specs.UTSNamespace)(s); s.Hostname, s.Domainname = "", "example.com" }, "domainname: requires a uts namespace"},
		{"no hostname without uts", func(s *specs.Spec) { dropNS(specs.UTSNamespace)(s); s.Hostname = "" }, ""},
		{"hostname joined uts", setNS(specs.UTSNamespace, "/proc/1/ns/uts"), ""},
		{"domainname with uts", func(s *specs.Spec) { s.Domainname = "example.com" }, ""},
	})
}

func TestValidateSysctl(t *testing.T) {
	runCases(t, []vcase{
		{"net without netns", all(dropNS(specs.NetworkNamespace), sysctl("net.ipv4.ip_forward")), `linux.sysctl["net.ipv4.ip_forward"]: requires a network namespace`},
		{"net with netns", sysctl("net.ipv4.ip_forward"), ""},
		{"net slash form", sysctl("net/ipv4/ip_forward"), ""},
		{"net joined netns", all(setNS(specs.NetworkNamespace, "/run/netns/x"), sysctl("net.core.somaxconn")), ""},
		{"ipc without ipcns", all(dropNS(specs.IPCNamespace), sysctl("kernel.shmmax")), `linux.sysctl["kernel.shmmax"]: requires an ipc namespace`},
		{"mqueue without ipcns", all(dropNS(specs.IPCNamespace), sysctl("fs.mqueue.msg_max")), `linux.sysctl["fs.mqueue.msg_max"]: requires an ipc namespace`},
		{"ipc with ipcns", sysctl("kernel.sem"), ""},
		{"mqueue with ipcns", sysctl("fs.mqueue.queues_max"), ""},
		{"domainname without uts", all(dropNS(specs.UTSNamespace), func(s *specs.Spec) { s.Hostname = "" }, sysctl("kernel.domainname")), `linux.sysctl["kernel.domainname"]: requires a uts namespace`},
		{"domainname with uts", sysctl("kernel.domainname"), ""},
		{"hostname sysctl", sysctl("kernel.hostname"), `linux.sysctl["kernel.hostname"]: conflicts with the hostname field; set hostname instead`},
		{"not namespaced", sysctl("vm.swappiness"), `linux.sysctl["vm.swappiness"]: is not namespaced, so it cannot be set for one container`},
		{"kernel not namespaced", sysctl("kernel.pid_max"), `linux.sysctl["kernel.pid_max"]: is not namespaced, so it cannot be set for one container`},
		{"first sorted key", func(s *specs.Spec) { s.Linux.Sysctl = map[string]string{"vm.b": "1", "vm.a": "1", "net.x": "1"} },
			`linux.sysctl["vm.a"]: is not namespaced, so it cannot be set for one container`},
	})
}

package spec

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// vcase is one Validate case: mutate a valid spec, expect this error text
// ("" = valid). "{root}" in want stands for the spec's root directory.
type vcase struct {
	name   string
	mutate func(*specs.Spec)
	want   string
}

// goodSpec is Default() with an existing, absolute root.
func goodSpec(t *testing.T) *specs.Spec {
	s := Default()
	s.Root.Path = t.TempDir()
	return s
}

func runCases(t *testing.T, cases []vcase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := goodSpec(t)
			root := s.Root.Path
			c.mutate(s)
			err := Validate(s)
			want := strings.ReplaceAll(c.want, "{root}", root)
			if got := errText(err); got != want {
				t.Fatalf("Validate() = %q\nwant         %q", got, want)
			}
			var fe *FieldError
			if err != nil && !errors.As(err, &fe) {
				t.Fatalf("%T is not a *FieldError", err)
			}
		})
	}
}

func TestValidateTopLevel(t *testing.T) {
	runCases(t, []vcase{
		{"default is valid", func(s *specs.Spec) {}, ""},
		{"version empty", func(s *specs.Spec) { s.Version = "" }, "ociVersion: must be set"},
		{"version invalid", func(s *specs.Spec) { s.Version = "invalid" }, `ociVersion: unsupported version "invalid" (this runtime supports 1.0.0 to ` + specs.Version + `)`},
		{"version runc", func(s *specs.Spec) { s.Version = "1.0.2-dev" }, ""},
		{"unknown annotation", func(s *specs.Spec) { s.Annotations = map[string]string{"org.example.x": ""} }, ""},
	})
	if err := Validate(nil); errText(err) != "config.json: no configuration" {
		t.Errorf("Validate(nil) = %v", err)
	}
}

func TestValidateRoot(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	runCases(t, []vcase{
		{"root nil", func(s *specs.Spec) { s.Root = nil }, "root: must be set"},
		{"root path empty", func(s *specs.Spec) { s.Root.Path = "" }, "root.path: must be set"},
		{"root missing", func(s *specs.Spec) { s.Root.Path += "/nope" }, "root.path: {root}/nope does not exist"},
		{"root not dir", func(s *specs.Spec) { s.Root.Path = file }, "root.path: " + file + " is not a directory"},
		{"root readonly", func(s *specs.Spec) { s.Root.Readonly = true }, ""},
	})
}

func TestValidateMounts(t *testing.T) {
	add := func(m specs.Mount) func(*specs.Spec) {
		return func(s *specs.Spec) { s.Mounts = append(s.Mounts, m) }
	}
	idmap := []specs.LinuxIDMapping{{ContainerID: 0, HostID: 1000, Size: 1}}
	runCases(t, []vcase{
		{"destination empty", add(specs.Mount{Type: "tmpfs", Source: "tmpfs"}), "mounts[7].destination: must be set"},
		{"destination relative", add(specs.Mount{Destination: "tmp", Type: "tmpfs", Source: "tmpfs"}), "mounts[7].destination: must be an absolute path"},
		{"bind without source", add(specs.Mount{Destination: "/mnt", Options: []string{"rbind"}}), "mounts[7].source: required for a bind mount"},
		{"bind type without source", add(specs.Mount{Destination: "/mnt", Type: "bind"}), "mounts[7].source: required for a bind mount"},
		{"no type, not bind", add(specs.Mount{Destination: "/mnt", Source: "tmpfs"}), "mounts[7].type: required unless the mount is a bind mount"},
		{"idmap uid only", add(specs.Mount{Destination: "/mnt", Source: "/", Type: "bind", UIDMappings: idmap}), "mounts[7].gidMappings: required with uidMappings (idmapped mount)"},
		{"idmap gid only", add(specs.Mount{Destination: "/mnt", Source: "/", Type: "bind", GIDMappings: idmap}), "mounts[7].uidMappings: required with gidMappings (idmapped mount)"},
		{"idmap size 0", add(specs.Mount{Destination: "/mnt", Source: "/", Type: "bind", UIDMappings: idmap,
			GIDMappings: []specs.LinuxIDMapping{{Size: 0}}}), "mounts[7].gidMappings[0].size: must be positive"},
		{"idmap good", add(specs.Mount{Destination: "/mnt", Source: "/", Type: "bind", UIDMappings: idmap, GIDMappings: idmap}), ""},
		{"idmap option on tmpfs", add(specs.Mount{Destination: "/mnt", Type: "tmpfs", Source: "tmpfs", Options: []string{"ridmap"}}),
			"mounts[7].options: idmap and ridmap are only supported for bind mounts"},
		{"mappings on tmpfs", add(specs.Mount{Destination: "/mnt", Type: "tmpfs", Source: "tmpfs", UIDMappings: idmap, GIDMappings: idmap}),
			"mounts[7].uidMappings: idmapped mounts are only supported for bind mounts"},
		{"idmap option on rbind", add(specs.Mount{Destination: "/mnt", Source: "/", Options: []string{"rbind", "ridmap"}, UIDMappings: idmap, GIDMappings: idmap}), ""},
		{"idmap without mappings or user namespace", add(specs.Mount{Destination: "/mnt", Source: "/", Type: "bind", Options: []string{"idmap"}}),
			"mounts[7].options: idmap without uidMappings and gidMappings maps with the container's user namespace, but there is none (add one to linux.namespaces, or give the mount its own mappings)"},
		// runtime-tools "mounts": bind mounts with no type, propagation options.
		{"bind without type", add(specs.Mount{Destination: "/mnt/etc-rshared", Source: "/etc", Options: []string{"nosuid", "rbind", "rshared"}}), ""},
		{"tmpfs good", add(specs.Mount{Destination: "/tmp/test-shared", Type: "tmpfs", Source: "tmpfs", Options: []string{"shared"}}), ""},
	})
}

func TestValidateHooks(t *testing.T) {
	hooks := func(h specs.Hooks) func(*specs.Spec) { return func(s *specs.Spec) { s.Hooks = &h } }
	ok := specs.Hook{Path: "/bin/sh", Args: []string{"sh", "-c", "true"}, Timeout: intp(1)}
	runCases(t, []vcase{
		{"path relative", hooks(specs.Hooks{Poststart: []specs.Hook{ok, {Path: "bin/sh"}}}), "hooks.poststart[1].path: must be an absolute path"},
		{"path empty", hooks(specs.Hooks{CreateRuntime: []specs.Hook{{}}}), "hooks.createRuntime[0].path: must be set"},
		{"timeout zero", hooks(specs.Hooks{Prestart: []specs.Hook{{Path: "/bin/true", Timeout: intp(0)}}}), "hooks.prestart[0].timeout: must be positive"},
		{"timeout negative", hooks(specs.Hooks{Poststop: []specs.Hook{{Path: "/bin/true", Timeout: intp(-1)}}}), "hooks.poststop[0].timeout: must be positive"},
		{"env bad", hooks(specs.Hooks{StartContainer: []specs.Hook{{Path: "/bin/true", Env: []string{"X"}}}}), `hooks.startContainer[0].env[0]: "X" is not KEY=VALUE`},
		{"all good", hooks(specs.Hooks{Prestart: []specs.Hook{ok}, CreateRuntime: []specs.Hook{ok}, CreateContainer: []specs.Hook{ok},
			StartContainer: []specs.Hook{ok}, Poststart: []specs.Hook{ok}, Poststop: []specs.Hook{ok}}), ""},
	})
}

func TestValidateLinux(t *testing.T) {
	dev := func(d specs.LinuxDevice) func(*specs.Spec) {
		return func(s *specs.Spec) { s.Linux.Devices = append(s.Linux.Devices, d) }
	}
	huge := func(size string) func(*specs.Spec) {
		return func(s *specs.Spec) {
			s.Linux.Resources.HugepageLimits = []specs.LinuxHugepageLimit{{Pagesize: size, Limit: 1 << 30}}
		}
	}
	runCases(t, []vcase{
		{"linux nil", func(s *specs.Spec) { s.Linux, s.Hostname = nil, "" }, ""},
		{"propagation bad", func(s *specs.Spec) { s.Linux.RootfsPropagation = "rshare" }, `linux.rootfsPropagation: unknown mode "rshare" (want shared, slave, private, unbindable or their r- forms)`},
		{"propagation good", func(s *specs.Spec) { s.Linux.RootfsPropagation = "runbindable" }, ""},
		{"device type", dev(specs.LinuxDevice{Path: "/dev/x", Type: "x", Major: 1, Minor: 3}), `linux.devices[0].type: unknown device type "x" (want c, b, u or p)`},
		{"device path", dev(specs.LinuxDevice{Path: "dev/x", Type: "c", Major: 1, Minor: 3}), "linux.devices[0].path: must be an absolute path"},
		{"device no numbers", dev(specs.LinuxDevice{Path: "/dev/x", Type: "b"}), `linux.devices[0]: major and minor are required for type "b"`},
		{"device negative", dev(specs.LinuxDevice{Path: "/dev/x", Type: "c", Major: -1, Minor: 3}), "linux.devices[0]: major and minor must not be negative"},
		{"device char good", dev(specs.LinuxDevice{Path: "/dev/test1", Type: "c", Major: 10, Minor: 666}), ""},
		{"device fifo good", dev(specs.LinuxDevice{Path: "/dev/test3", Type: "p"}), ""},
		{"masked relative", func(s *specs.Spec) { s.Linux.MaskedPaths = append(s.Linux.MaskedPaths, "masked-relpath") }, "linux.maskedPaths[10]: must be an absolute path"},
		{"readonly relative", func(s *specs.Spec) { s.Linux.ReadonlyPaths = []string{"readonly-relpath"} }, "linux.readonlyPaths[0]: must be an absolute path"},
		{"masked good", func(s *specs.Spec) { s.Linux.MaskedPaths = []string{"/masked-symlink"} }, ""},
		{"cgroup rule type", func(s *specs.Spec) { s.Linux.Resources.Devices[0].Type = "x" }, `linux.resources.devices[0].type: unknown type "x" (want a, b or c)`},
		{"cgroup rule access", func(s *specs.Spec) { s.Linux.Resources.Devices[0].Access = "rwx" }, `linux.resources.devices[0].access: "rwx" is not a combination of r, w and m`},
		{"hugepage 3MB", huge("3MB"), `linux.resources.hugepageLimits[0].pageSize: invalid page size "3MB" (want a power of two with a unit, e.g. 2MB)`},
		{"hugepage no unit", huge("2M"), `linux.resources.hugepageLimits[0].pageSize: invalid page size "2M" (want a power of two with a unit, e.g. 2MB)`},
		{"hugepage 2MB", huge("2MB"), ""},
		{"hugepage 1GB", huge("1GB"), ""},
		{"resources nil", func(s *specs.Spec) { s.Linux.Resources = nil }, ""},
		{"seccomp default action", func(s *specs.Spec) { s.Linux.Seccomp = &specs.LinuxSeccomp{DefaultAction: "allow"} }, `linux.seccomp.defaultAction: unknown action "allow"`},
		{"seccomp syscall action", func(s *specs.Spec) {
			s.Linux.Seccomp = &specs.LinuxSeccomp{DefaultAction: specs.ActAllow, Syscalls: []specs.LinuxSyscall{{Names: []string{"getcwd"}, Action: "errno"}}}
		}, `linux.seccomp.syscalls[0].action: unknown action "errno"`},
		{"seccomp no names", func(s *specs.Spec) {
			s.Linux.Seccomp = &specs.LinuxSeccomp{DefaultAction: specs.ActAllow, Syscalls: []specs.LinuxSyscall{{Action: specs.ActErrno}}}
		}, "linux.seccomp.syscalls[0].names: must not be empty"},
		{"seccomp good", func(s *specs.Spec) {
			s.Linux.Seccomp = &specs.LinuxSeccomp{DefaultAction: specs.ActAllow, Syscalls: []specs.LinuxSyscall{{Names: []string{"getcwd"}, Action: specs.ActErrno}}}
		}, ""},
		{"seccomp notify without listener", func(s *specs.Spec) {
			s.Linux.Seccomp = &specs.LinuxSeccomp{DefaultAction: specs.ActAllow, Syscalls: []specs.LinuxSyscall{{Names: []string{"mkdir"}, Action: specs.ActNotify}}}
		}, "linux.seccomp.listenerPath: must be set when SCMP_ACT_NOTIFY is used"},
		{"seccomp notify default without listener", func(s *specs.Spec) {
			s.Linux.Seccomp = &specs.LinuxSeccomp{DefaultAction: specs.ActNotify}
		}, "linux.seccomp.listenerPath: must be set when SCMP_ACT_NOTIFY is used"},
		{"seccomp notify with listener", func(s *specs.Spec) {
			s.Linux.Seccomp = &specs.LinuxSeccomp{DefaultAction: specs.ActAllow, ListenerPath: "/run/agent.sock",
				Syscalls: []specs.LinuxSyscall{{Names: []string{"mkdir"}, Action: specs.ActNotify}}}
		}, ""},
		{"seccomp listener without notify is ignored", func(s *specs.Spec) {
			s.Linux.Seccomp = &specs.LinuxSeccomp{DefaultAction: specs.ActAllow, ListenerPath: "/run/agent.sock", ListenerMetadata: "x"}
		}, ""},
		{"personality bad", func(s *specs.Spec) { s.Linux.Personality = &specs.LinuxPersonality{Domain: "LINUX64"} }, `linux.personality.domain: unknown domain "LINUX64" (want LINUX or LINUX32)`},
		{"personality good", func(s *specs.Spec) { s.Linux.Personality = &specs.LinuxPersonality{Domain: specs.PerLinux32} }, ""},
		{"mount label", func(s *specs.Spec) { s.Linux.MountLabel = "system_u:object_r:svirt_sandbox_file_t:s0:c715,c811" }, ""},
	})
}

// TestValidateNoPanic feeds specs with every optional part missing or empty.
func TestValidateNoPanic(t *testing.T) {
	dir := t.TempDir()
	specsToTry := []*specs.Spec{
		{},
		{Version: "1.0.0"},
		{Version: "1.0.0", Root: &specs.Root{}},
		{Version: "1.0.0", Root: &specs.Root{Path: dir}},
		{Version: "1.0.0", Root: &specs.Root{Path: dir}, Process: &specs.Process{}},
		{Version: "1.0.0", Root: &specs.Root{Path: dir}, Process: &specs.Process{Args: []string{"sh"}, Cwd: "/"},
			Hostname: "x", Hooks: &specs.Hooks{}, Mounts: []specs.Mount{{}}},
		{Version: "1.0.0", Root: &specs.Root{Path: dir}, Process: &specs.Process{Args: []string{"sh"}, Cwd: "/"},
			Linux: &specs.Linux{Resources: &specs.LinuxResources{}, Seccomp: &specs.LinuxSeccomp{}, Namespaces: []specs.LinuxNamespace{{}}}},
		{Version: "1.0.0", Root: &specs.Root{Path: dir}, Process: &specs.Process{Args: []string{"sh"}, Cwd: "/"},
			Linux: &specs.Linux{Sysctl: map[string]string{"": ""}, TimeOffsets: map[string]specs.LinuxTimeOffset{"": {}}}},
	}
	for i, s := range specsToTry {
		if err := Validate(s); err == nil && i < 5 {
			t.Errorf("case %d: Validate accepted an incomplete spec", i)
		}
	}
	valid := &specs.Spec{Version: "1.0.0", Root: &specs.Root{Path: dir}, Process: &specs.Process{Args: []string{"sh"}, Cwd: "/"}}
	if err := Validate(valid); err != nil {
		t.Errorf("minimal spec: %v", err)
	}
}

func TestSeccompThatKillsTheInit(t *testing.T) {
	allow := func(names ...string) specs.LinuxSyscall {
		return specs.LinuxSyscall{Names: names, Action: specs.ActAllow}
	}
	minimal := &specs.LinuxSeccomp{DefaultAction: specs.ActKill,
		Syscalls: []specs.LinuxSyscall{allow("read", "write", "exit_group")}}
	err := CheckSeccompForProcess(minimal, &specs.Process{})
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Path != "linux.seccomp.defaultAction" || !strings.Contains(fe.Msg, "setresuid") {
		t.Fatalf("a killing default without noNewPrivileges: %v", err)
	}
	err = CheckSeccompForProcess(minimal, &specs.Process{NoNewPrivileges: true})
	if err == nil || !strings.Contains(err.Error(), "execve") {
		t.Fatalf("a killing default that does not allow execve: %v", err)
	}
	withExec := &specs.LinuxSeccomp{DefaultAction: specs.ActKillProcess,
		Syscalls: []specs.LinuxSyscall{allow("execve")}}
	if err := CheckSeccompForProcess(withExec, &specs.Process{NoNewPrivileges: true}); err != nil {
		t.Fatalf("noNewPrivileges and execve allowed: %v", err)
	}
	everything := &specs.LinuxSeccomp{DefaultAction: specs.ActTrap,
		Syscalls: []specs.LinuxSyscall{allow(initSyscallsEarly...)}}
	if err := CheckSeccompForProcess(everything, &specs.Process{}); err != nil {
		t.Fatalf("every syscall of the init allowed: %v", err)
	}
	errno := &specs.LinuxSeccomp{DefaultAction: specs.ActErrno}
	if err := CheckSeccompForProcess(errno, &specs.Process{}); err != nil {
		t.Fatalf("a default that does not kill: %v", err)
	}
}

func TestValidateBindSourceExists(t *testing.T) {
	s := goodSpec(t)
	s.Mounts = append(s.Mounts, specs.Mount{Destination: "/mnt", Source: "/nonexistent-bind-source", Type: "bind"})
	if err := Validate(s); errText(err) != "mounts[7].source: /nonexistent-bind-source does not exist" {
		t.Fatalf("Validate() = %v", err)
	}
}

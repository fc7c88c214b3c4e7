package badconfig

import "strings"

// set puts val (JSON, with $WORK, $LOOP, $FILE expanded) at a path of
// the document ("a.b[0]", `m["k"]`, "list[+]" appends).
type set struct{ at, val string }

// fault is a semantic fault: the sets that make it, and the field the
// error must name (default: where the last set went).
type fault struct {
	name   string
	sets   []set
	expect string
	// kernel: only the kernel can judge it (spec/ lets it through; the
	// runtime's error must still name the field)
	kernel bool
}

func f(name, at, val string) fault { return fault{name: name, sets: []set{{at, val}}} }

// kf is a fault only the kernel can judge.
func kf(name, at, val string) fault {
	ft := f(name, at, val)
	ft.kernel = true
	return ft
}

// conflict is a fault of several sets whose error names expect.
func conflict(name, expect string, sets ...set) fault {
	return fault{name: name, sets: sets, expect: expect}
}

var (
	overlong = `"` + strings.Repeat("x", 70000) + `"`
	longPath = `"/` + strings.Repeat("a/", 3000) + `x"`
	nulByte  = `"/a\u0000b"`
	hugeList = func(elem string, n int) string {
		return "[" + strings.TrimSuffix(strings.Repeat(elem+",", n), ",") + "]"
	}
	// a profile whose default kills, with nothing the init needs allowed
	killingProfile = `{"defaultAction": "SCMP_ACT_KILL", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW"}]}`
)

// configFaults are broken config.json files, by field.
var configFaults = []fault{
	f("ociVersion empty", "ociVersion", `""`),
	f("ociVersion 2.0.0", "ociVersion", `"2.0.0"`),
	f("ociVersion newer minor", "ociVersion", `"1.99.0"`),
	f("ociVersion garbage", "ociVersion", `"one.two"`),
	f("ociVersion overlong", "ociVersion", overlong),

	f("root missing", "root", `null`),
	f("root.path empty", "root.path", `""`),
	f("root.path missing dir", "root.path", `"$WORK/no-such-rootfs"`),
	f("root.path a file", "root.path", `"$FILE"`),
	f("root.path a symlink loop", "root.path", `"$LOOP"`),
	f("root.path overlong", "root.path", longPath),
	f("root.path NUL", "root.path", nulByte),

	f("process missing", "process", `null`),
	f("process.args empty", "process.args", `[]`),
	f("process.args[0] empty", "process.args[0]", `""`),
	f("process.cwd relative", "process.cwd", `"tmp"`),
	f("process.cwd empty", "process.cwd", `""`),
	f("process.env no =", "process.env[+]", `"NOVALUE"`),
	f("process.env empty name", "process.env[+]", `"=x"`),
	f("process.env NUL", "process.env[+]", `"A=b\u0000c"`),
	f("process.rlimits unknown", "process.rlimits[+]", `{"type": "RLIMIT_FOO", "soft": 1, "hard": 1}`),
	f("process.rlimits soft above hard", "process.rlimits[0]", `{"type": "RLIMIT_NOFILE", "soft": 2048, "hard": 1024}`),
	f("process.rlimits duplicate", "process.rlimits[+]", `{"type": "RLIMIT_NOFILE", "soft": 10, "hard": 10}`),
	f("process.rlimits empty type", "process.rlimits[+]", `{"type": "", "soft": 1, "hard": 1}`),
	// a well-formed unknown name (CAP_FLY) is a warning, as in runc: newer
	// profiles name capabilities older kernels lack
	f("process.capabilities not a CAP_ name", "process.capabilities.bounding[+]", `"SYS_ADMIN"`),
	f("process.capabilities lower case", "process.capabilities.effective[+]", `"cap_chown"`),
	f("process.capabilities empty", "process.capabilities.permitted[+]", `""`),
	f("process.oomScoreAdj above", "process.oomScoreAdj", `1001`),
	f("process.oomScoreAdj below", "process.oomScoreAdj", `-1001`),
	f("process.oomScoreAdj huge", "process.oomScoreAdj", `2147483647`),
	f("process.user.umask above 0777", "process.user.umask", `4096`),
	f("process.apparmorProfile set", "process.apparmorProfile", `"unconfined"`),
	f("process.selinuxLabel set", "process.selinuxLabel", `"system_u:system_r:container_t:s0"`),
	f("process.ioPriority class", "process.ioPriority.class", `"IOPRIO_CLASS_FAST"`),
	conflict("process.ioPriority priority", "process.ioPriority.priority",
		set{"process.ioPriority", `{"class": "IOPRIO_CLASS_BE", "priority": 8}`}),
	f("process.scheduler policy", "process.scheduler.policy", `"SCHED_FAST"`),
	conflict("process.scheduler nice", "process.scheduler.nice",
		set{"process.scheduler", `{"policy": "SCHED_OTHER", "nice": 40}`}),
	conflict("process.scheduler priority", "process.scheduler.priority",
		set{"process.scheduler", `{"policy": "SCHED_FIFO", "priority": 100}`}),
	conflict("process.scheduler flags", "process.scheduler.flags[0]",
		set{"process.scheduler", `{"policy": "SCHED_OTHER", "flags": ["SCHED_FLAG_WHATEVER"]}`}),
	f("process.execCPUAffinity initial", "process.execCPUAffinity.initial", `"0-"`),
	f("process.execCPUAffinity final", "process.execCPUAffinity.final", `"3-1"`),
	{name: "process.terminal without a console", sets: []set{{"process.terminal", `true`}}, kernel: true},

	f("hostname overlong", "hostname", `"`+strings.Repeat("h", 65)+`"`),
	f("domainname overlong", "domainname", `"`+strings.Repeat("d", 65)+`"`),
	conflict("hostname without a uts namespace", "hostname",
		set{"linux.namespaces", `[{"type": "pid"}, {"type": "mount"}]`}, set{"hostname", `"h"`}),
	conflict("domainname without a uts namespace", "domainname",
		set{"linux.namespaces", `[{"type": "pid"}, {"type": "mount"}]`}, set{"hostname", `""`}, set{"domainname", `"d"`}),

	f("mounts destination empty", "mounts[+]", `{"destination": "", "type": "tmpfs", "source": "tmpfs"}`),
	f("mounts destination NUL", "mounts[+]", `{"destination": "/a\u0000b", "type": "tmpfs", "source": "tmpfs"}`),
	f("mounts destination overlong", "mounts[+]", `{"destination": `+longPath+`, "type": "tmpfs", "source": "tmpfs"}`),
	f("mounts no type", "mounts[+]", `{"destination": "/x", "source": "tmpfs"}`),
	kf("mounts unknown type", "mounts[+]", `{"destination": "/x", "type": "nosuchfs", "source": "none"}`),
	f("mounts bind without source", "mounts[+]", `{"destination": "/x", "type": "bind", "options": ["bind"]}`),
	f("mounts bind of a missing source", "mounts[+]", `{"destination": "/x", "type": "bind", "source": "$WORK/missing", "options": ["rbind"]}`),
	f("mounts bind of a symlink loop", "mounts[+]", `{"destination": "/x", "type": "bind", "source": "$LOOP", "options": ["rbind"]}`),
	kf("mounts destination over /proc", "mounts[+]", `{"destination": "/proc/sys/x", "type": "tmpfs", "source": "tmpfs"}`),
	f("mounts idmap not bind", "mounts[+]", `{"destination": "/x", "type": "tmpfs", "source": "tmpfs", "options": ["idmap"]}`),
	f("mounts idmap without a user namespace", "mounts[+]", `{"destination": "/x", "type": "bind", "source": "$WORK", "options": ["rbind", "idmap"]}`),
	f("mounts uidMappings alone", "mounts[+]", `{"destination": "/x", "type": "bind", "source": "$WORK", "options": ["rbind"], "uidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}]}`),
	f("mounts mappings overlap", "mounts[+]", `{"destination": "/x", "type": "bind", "source": "$WORK", "options": ["rbind"], "uidMappings": [{"containerID": 0, "hostID": 1000, "size": 10}, {"containerID": 5, "hostID": 2000, "size": 10}], "gidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}]}`),
	f("mounts mappings wrap", "mounts[+]", `{"destination": "/x", "type": "bind", "source": "$WORK", "options": ["rbind"], "uidMappings": [{"containerID": 4294967295, "hostID": 0, "size": 2}], "gidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}]}`),
	f("mounts mapping size 0", "mounts[+]", `{"destination": "/x", "type": "bind", "source": "$WORK", "options": ["rbind"], "uidMappings": [{"containerID": 0, "hostID": 0, "size": 0}], "gidMappings": [{"containerID": 0, "hostID": 0, "size": 1}]}`),
	kf("mounts tmpfs bad option", "mounts[+]", `{"destination": "/x", "type": "tmpfs", "source": "tmpfs", "options": ["size=lots"]}`),
	kf("mounts tmpfs bad mode", "mounts[+]", `{"destination": "/x", "type": "tmpfs", "source": "tmpfs", "options": ["mode=99999"]}`),

	f("hooks relative path", "hooks.prestart[+]", `{"path": "bin/true"}`),
	f("hooks empty path", "hooks.poststart[+]", `{"path": ""}`),
	f("hooks zero timeout", "hooks.createRuntime[+]", `{"path": "/bin/true", "timeout": 0}`),
	f("hooks negative timeout", "hooks.createContainer[+]", `{"path": "/bin/true", "timeout": -5}`),
	f("hooks env", "hooks.startContainer[+]", `{"path": "/bin/true", "env": ["NOEQUALS"]}`),
	f("hooks missing binary", "hooks.prestart[+]", `{"path": "$WORK/no-such-hook"}`),

	f("annotations empty key", `annotations[""]`, `"x"`),

	f("namespaces unknown", "linux.namespaces[+]", `{"type": "nosuchns"}`),
	f("namespaces empty type", "linux.namespaces[+]", `{"type": ""}`),
	f("namespaces duplicate", "linux.namespaces[+]", `{"type": "pid"}`),
	f("namespaces relative path", "linux.namespaces[+]", `{"type": "cgroup", "path": "proc/1/ns/cgroup"}`),
	f("namespaces wrong type of path", "linux.namespaces[+]", `{"type": "time", "path": "/proc/self/ns/net"}`),
	f("namespaces path a symlink loop", "linux.namespaces[+]", `{"type": "cgroup", "path": "$LOOP"}`),
	f("namespaces path a regular file", "linux.namespaces[+]", `{"type": "cgroup", "path": "$FILE"}`),
	f("namespaces path missing", "linux.namespaces[+]", `{"type": "cgroup", "path": "$WORK/no-such-ns"}`),
	f("namespaces path of a dead process", "linux.namespaces[+]", `{"type": "cgroup", "path": "/proc/999999999/ns/cgroup"}`),
	conflict("uidMappings without a user namespace", "linux.uidMappings",
		set{"linux.uidMappings", `[{"containerID": 0, "hostID": 1000, "size": 1}]`}),
	conflict("user namespace without mappings", "linux.uidMappings", set{"linux.namespaces[+]", `{"type": "user"}`}),
	conflict("user namespace mappings overlap", "linux.uidMappings",
		set{"linux.namespaces[+]", `{"type": "user"}`},
		set{"linux.uidMappings", `[{"containerID": 0, "hostID": 100000, "size": 10}, {"containerID": 5, "hostID": 200000, "size": 10}]`},
		set{"linux.gidMappings", `[{"containerID": 0, "hostID": 100000, "size": 10}]`}),
	conflict("user namespace mappings too many", "linux.gidMappings",
		set{"linux.namespaces[+]", `{"type": "user"}`},
		set{"linux.uidMappings", `[{"containerID": 0, "hostID": 100000, "size": 10}]`},
		set{"linux.gidMappings", hugeList(`{"containerID": 0, "hostID": 100000, "size": 1}`, 400)}),
	f("timeOffsets without a time namespace", "linux.timeOffsets", `{"monotonic": {"secs": 1}}`),
	conflict("timeOffsets unknown clock", `linux.timeOffsets["realtime"]`,
		set{"linux.namespaces[+]", `{"type": "time"}`}, set{"linux.timeOffsets", `{"realtime": {"secs": 1}}`}),
	conflict("timeOffsets nanosecs out of range", `linux.timeOffsets["monotonic"].nanosecs`,
		set{"linux.namespaces[+]", `{"type": "time"}`}, set{"linux.timeOffsets", `{"monotonic": {"nanosecs": 1000000000}}`}),

	f("devices relative path", "linux.devices[+]", `{"path": "dev/x", "type": "c", "major": 1, "minor": 3}`),
	f("devices unknown type", "linux.devices[+]", `{"path": "/dev/x", "type": "z", "major": 1, "minor": 3}`),
	f("devices no numbers", "linux.devices[+]", `{"path": "/dev/x", "type": "c"}`),
	f("devices negative", "linux.devices[+]", `{"path": "/dev/x", "type": "b", "major": -1, "minor": 3}`),
	f("devices huge major", "linux.devices[+]", `{"path": "/dev/x", "type": "c", "major": 4096, "minor": 3}`),
	f("devices huge minor", "linux.devices[+]", `{"path": "/dev/x", "type": "c", "major": 1, "minor": 1048576}`),
	f("devices fileMode above 07777", "linux.devices[+]", `{"path": "/dev/x", "type": "c", "major": 1, "minor": 3, "fileMode": 65535}`),
	f("maskedPaths relative", "linux.maskedPaths[+]", `"proc/kcore"`),
	f("maskedPaths empty", "linux.maskedPaths[+]", `""`),
	f("readonlyPaths relative", "linux.readonlyPaths[+]", `"proc/sys"`),
	f("rootfsPropagation unknown", "linux.rootfsPropagation", `"sideways"`),
	f("personality unknown", "linux.personality", `{"domain": "LINUX64"}`),

	f("sysctl not namespaced", `linux.sysctl["kernel.panic"]`, `"1"`),
	f("sysctl hostname", `linux.sysctl["kernel.hostname"]`, `"x"`),
	f("sysctl empty", `linux.sysctl[""]`, `"1"`),
	f("sysctl traversal", `linux.sysctl["net/../../kernel/panic"]`, `"1"`),
	conflict("sysctl net without a network namespace", `linux.sysctl["net.ipv4.ip_forward"]`,
		set{"linux.namespaces", `[{"type": "pid"}, {"type": "mount"}, {"type": "uts"}]`},
		set{`linux.sysctl["net.ipv4.ip_forward"]`, `"1"`}),
	kf("sysctl unknown net knob", `linux.sysctl["net.ipv4.no_such_knob"]`, `"1"`),

	f("cgroupsPath root", "linux.cgroupsPath", `"/"`),
	f("cgroupsPath systemd", "linux.cgroupsPath", `"system.slice:myrunc:x"`),
	f("cgroupsPath overlong", "linux.cgroupsPath", longPath),
	f("cgroupsPath NUL", "linux.cgroupsPath", nulByte),
	f("cgroupsPath traversal", "linux.cgroupsPath", `"/../../../x/.."`),

	f("seccomp unknown default", "linux.seccomp", `{"defaultAction": "SCMP_ACT_MAYBE"}`),
	f("seccomp unknown action", "linux.seccomp", `{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_PERHAPS"}]}`),
	f("seccomp empty names", "linux.seccomp", `{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": [], "action": "SCMP_ACT_ERRNO"}]}`),
	f("seccomp unknown arch", "linux.seccomp", `{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_Z80"]}`),
	f("seccomp unknown flag", "linux.seccomp", `{"defaultAction": "SCMP_ACT_ALLOW", "flags": ["SECCOMP_FILTER_FLAG_MAGIC"]}`),
	f("seccomp arg index", "linux.seccomp", `{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["kill"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 6, "value": 1, "op": "SCMP_CMP_EQ"}]}]}`),
	f("seccomp arg op", "linux.seccomp", `{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["kill"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_ABOUT"}]}]}`),
	f("seccomp notify without listener", "linux.seccomp", `{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_NOTIFY"}]}`),
	f("seccomp relative listener", "linux.seccomp", `{"defaultAction": "SCMP_ACT_ALLOW", "listenerPath": "agent.sock", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_NOTIFY"}]}`),
	conflict("seccomp killing default without noNewPrivileges", "linux.seccomp.defaultAction",
		set{"process.noNewPrivileges", `false`}, set{"linux.seccomp", killingProfile}),
	f("seccomp killing default without execve", "linux.seccomp", killingProfile),
}

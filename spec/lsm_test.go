package spec

import (
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func withHostLSMs(t *testing.T, h HostLSMs) {
	old := hostLSMs
	hostLSMs = func() HostLSMs { return h }
	t.Cleanup(func() { hostLSMs = old })
}

func TestLSMFields(t *testing.T) {
	none, both := HostLSMs{}, HostLSMs{AppArmor: true, SELinux: true}
	cases := []struct {
		name string
		host HostLSMs
		p    specs.Process
		l    specs.Linux
		want string // "" accepted
	}{
		{"nothing set", none, specs.Process{}, specs.Linux{}, ""},
		{"apparmor without AppArmor", none, specs.Process{ApparmorProfile: "docker-default"}, specs.Linux{},
			`process.apparmorProfile: AppArmor profile "docker-default" is set, but AppArmor is not enabled on this host`},
		{"apparmor with AppArmor", both, specs.Process{ApparmorProfile: "x"}, specs.Linux{},
			"process.apparmorProfile: myrunc does not apply AppArmor profiles"},
		{"selinux without SELinux", none, specs.Process{SelinuxLabel: "system_u:system_r:container_t:s0"}, specs.Linux{},
			`process.selinuxLabel: SELinux label "system_u:system_r:container_t:s0" is set, but SELinux is disabled or not supported on this host`},
		{"selinux with SELinux", both, specs.Process{SelinuxLabel: "x"}, specs.Linux{},
			"process.selinuxLabel: myrunc does not apply SELinux labels"},
		{"mount label without SELinux is ignored", none, specs.Process{}, specs.Linux{MountLabel: "system_u:object_r:container_file_t:s0"}, ""},
		{"mount label with SELinux", both, specs.Process{}, specs.Linux{MountLabel: "x"},
			"linux.mountLabel: myrunc does not apply SELinux mount labels"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			withHostLSMs(t, c.host)
			err := checkProcessLSM(&c.p)
			if err == nil {
				err = checkMountLabel(&c.l)
			}
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != c.want {
				t.Fatalf("got %q, want %q", got, c.want)
			}
		})
	}
}

// The checks are part of ValidateProcess, which exec --process uses too.
func TestValidateProcessChecksLSM(t *testing.T) {
	withHostLSMs(t, HostLSMs{})
	p := &specs.Process{Args: []string{"sh"}, Cwd: "/", SelinuxLabel: "x"}
	if err := ValidateProcess(p); err == nil || !strings.HasPrefix(err.Error(), "process.selinuxLabel:") {
		t.Fatalf("got %v", err)
	}
}

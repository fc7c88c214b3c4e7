package spec

import (
	"os"
	"strings"
	"sync"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// myrunc applies no AppArmor profile and no SELinux label (`features`
// says apparmor.enabled and selinux.enabled are false). On a host without
// the LSM, runc refuses process.selinuxLabel in its validator ("selinux
// label is specified in config, but selinux is disabled or not
// supported"), fails process.apparmorProfile when its init writes the
// profile to /proc/self/attr/exec, and ignores linux.mountLabel (its
// mount-label formatting is a no-op without SELinux). myrunc does the
// same, failing both process fields before anything is created. Where the
// LSM is enabled a field set for it is an error too: running the
// container unconfined, or with unlabelled mounts, would be silently
// weaker than asked.

// hostLSMs is what the host's kernel enforces; a variable for tests.
var hostLSMs = sync.OnceValue(detectLSMs)

// HostLSMs says which of AppArmor and SELinux the host enforces.
type HostLSMs struct{ AppArmor, SELinux bool }

func detectLSMs() HostLSMs {
	aa, err := os.ReadFile("/sys/module/apparmor/parameters/enabled")
	_, selErr := os.Stat("/sys/fs/selinux/enforce")
	return HostLSMs{
		AppArmor: err == nil && strings.HasPrefix(string(aa), "Y"),
		SELinux:  selErr == nil,
	}
}

// checkProcessLSM checks process.apparmorProfile and process.selinuxLabel.
func checkProcessLSM(p *specs.Process) error {
	host := hostLSMs()
	if p.ApparmorProfile != "" {
		if !host.AppArmor {
			return fieldErr("process.apparmorProfile", "AppArmor profile %q is set, but AppArmor is not enabled on this host", p.ApparmorProfile)
		}
		return fieldErr("process.apparmorProfile", "myrunc does not apply AppArmor profiles")
	}
	if p.SelinuxLabel != "" {
		if !host.SELinux {
			return fieldErr("process.selinuxLabel", "SELinux label %q is set, but SELinux is disabled or not supported on this host", p.SelinuxLabel)
		}
		return fieldErr("process.selinuxLabel", "myrunc does not apply SELinux labels")
	}
	return nil
}

// checkMountLabel: linux.mountLabel is ignored without SELinux, as runc
// does.
func checkMountLabel(l *specs.Linux) error {
	if l.MountLabel != "" && hostLSMs().SELinux {
		return fieldErr("linux.mountLabel", "myrunc does not apply SELinux mount labels")
	}
	return nil
}

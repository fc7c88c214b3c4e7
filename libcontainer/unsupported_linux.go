package libcontainer

import (
	"errors"

	"github.com/moby/sys/mountinfo"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// refuseUnsupported fails create, before anything is made, on spec fields
// this host or runtime cannot honour; `features` says the same
// (intelRdt.enabled is false).
func refuseUnsupported(s *specs.Spec) error {
	if s.Linux != nil && s.Linux.IntelRdt != nil {
		mounted, err := mountinfo.Mounted("/sys/fs/resctrl")
		if err != nil || !mounted {
			return errors.New("linux.intelRdt: resctrl is not mounted at /sys/fs/resctrl: this host offers no Intel RDT (or AMD QoS) to the container")
		}
		return errors.New("linux.intelRdt: not supported by myrunc (resctrl is mounted, but the runtime does not manage it)")
	}
	return nil
}

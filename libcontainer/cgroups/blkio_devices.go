package cgroups

import (
	"fmt"
	"os"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// sysDevBlock has one entry per block device of the host, "MAJ:MIN".
var sysDevBlock = "/sys/dev/block"

// checkBlockDevices names the first device of b's per-device limits that
// is not a block device of this host: the kernel's answer to a write of
// it is ENODEV, without saying which entry or field.
func checkBlockDevices(b *specs.LinuxBlockIO) error {
	if b == nil {
		return nil
	}
	check := func(field string, major, minor int64) error {
		dev := fmt.Sprintf("%d:%d", major, minor)
		if _, err := os.Stat(sysDevBlock + "/" + dev); err != nil {
			return fmt.Errorf("linux.resources.blockIO.%s: %s is not a block device of this host (no %s/%s)", field, dev, sysDevBlock, dev)
		}
		return nil
	}
	for _, d := range b.WeightDevice {
		if err := check("weightDevice", d.Major, d.Minor); err != nil {
			return err
		}
	}
	for _, l := range []struct {
		field string
		devs  []specs.LinuxThrottleDevice
	}{
		{"throttleReadBpsDevice", b.ThrottleReadBpsDevice},
		{"throttleWriteBpsDevice", b.ThrottleWriteBpsDevice},
		{"throttleReadIOPSDevice", b.ThrottleReadIOPSDevice},
		{"throttleWriteIOPSDevice", b.ThrottleWriteIOPSDevice},
	} {
		for _, d := range l.devs {
			if err := check(l.field, d.Major, d.Minor); err != nil {
				return err
			}
		}
	}
	return nil
}

package libcontainer

import (
	"os"
	"path/filepath"

	"myrunc/internal/sealedbin"
	"myrunc/libcontainer/slimbin"
)

// initExe opens the binary the init is exec'd from, sealed (see
// sealedbin.Seal; CVE-2019-5736): the slim init embedded in this build,
// kept as a file under slimRoot, or our own binary when slimRoot is ""
// (the init needs nsenter, which the slim init lacks) or there is no
// slim init. nil: run /proc/self/exe. Without the privilege to make
// mounts (rootless) nothing can be sealed, and the init runs from
// /proc/self/exe: an unprivileged user's container cannot write a binary
// its user may not write. (The slim init's file is never used unsealed:
// a rootless user owns it.)
func initExe(slimRoot string) *os.File {
	if slimRoot != "" && len(slimbin.Binary) > 0 {
		dir := filepath.Join(slimRoot, ".cache", "init")
		if path, err := sealedbin.Cache(dir, "myrunc-init-", slimbin.Sum(), slimbin.Binary); err == nil {
			if f, err := sealedbin.Seal(path); err == nil {
				return f
			}
		}
	}
	f, _ := sealedbin.Seal("/proc/self/exe")
	return f
}

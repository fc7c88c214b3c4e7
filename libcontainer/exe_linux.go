package libcontainer

import (
	"os"
	"path/filepath"

	"myrunc/internal/sealedbin"
	"myrunc/libcontainer/slimbin"
)

// initExe opens the binary the init is exec'd from, sealed (see
// sealedbin.Seal; CVE-2019-5736): one of the slim inits embedded in this
// build, kept as a file under slimRoot/.cache/init — the pure-Go one, or
// with nsenter the one with the C constructor that joins namespaces —
// or our own binary when slimRoot is "" or there is no slim init. nil:
// run /proc/self/exe. Without the privilege to make mounts (rootless)
// nothing can be sealed, and the init runs from /proc/self/exe: an
// unprivileged user's container cannot write a binary its user may not
// write. (A slim init's file is never used unsealed: a rootless user
// owns it.)
func initExe(slimRoot string, nsenter bool) *os.File {
	prefix, data, sum := "myrunc-init-", slimbin.Binary, slimbin.Sum()
	if nsenter {
		prefix, data, sum = "myrunc-nsinit-", slimbin.NsenterBinary, slimbin.NsenterSum()
	}
	if slimRoot != "" && len(data) > 0 {
		dir := filepath.Join(slimRoot, ".cache", "init")
		if path, err := sealedbin.Cache(dir, prefix, sum, data); err == nil {
			if f, err := sealedbin.Seal(path); err == nil {
				return f
			}
		}
	}
	f, _ := sealedbin.Seal("/proc/self/exe")
	return f
}

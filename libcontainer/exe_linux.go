package libcontainer

import (
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"sync"

	"golang.org/x/sys/unix"

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
	if len(data) == 0 {
		noSlimInit.Do(func() {
			slog.Warn("this build has no slim init (it was not built by make build): the container's init runs from the runtime's own binary")
		})
	} else if slimRoot != "" {
		dir := filepath.Join(slimRoot, ".cache", "init")
		path, err := sealedbin.Cache(dir, prefix, sum, data)
		if err == nil {
			f, serr := sealedbin.Seal(path)
			if serr == nil {
				return f
			}
			err = serr
		}
		// rootless: nothing can be sealed, by design (see above)
		if !errors.Is(err, unix.EPERM) {
			slog.Warn("the slim init cannot be used: the container's init runs from the runtime's own binary", "error", err)
		}
	}
	f, _ := sealedbin.Seal("/proc/self/exe")
	return f
}

// noSlimInit warns once per process of a build without a slim init.
var noSlimInit sync.Once

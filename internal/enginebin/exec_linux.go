package enginebin

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"

	"myrunc/internal/sealedbin"
	"myrunc/internal/selfexe"
)

// Exec replaces this process with the engine program, same argv, no
// fork. The program is written once under cacheDir and run sealed
// (CVE-2019-5736: nothing, a container included, can write the binary
// of a running engine); a rootless user runs its own file; with no file
// to be had it runs from a sealed copy in memory. The engine learns our
// path (selfexe.Env) to name us, not its copy, in what it writes.
func Exec(cacheDir string, argv []string) error {
	if len(Binary) == 0 {
		return errors.New("this myrunc was built without its engine (`make build` embeds it)")
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	env := []string{selfexe.Env + "=" + self}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, selfexe.Env+"=") {
			env = append(env, kv)
		}
	}
	f, path, err := open(cacheDir)
	if err != nil {
		return fmt.Errorf("engine program: %w", err)
	}
	if f != nil {
		// the descriptor is close-on-exec: execve opens it first
		path = "/proc/self/fd/" + strconv.Itoa(int(f.Fd()))
	}
	err = syscall.Exec(path, argv, env)
	return fmt.Errorf("engine program: exec %s: %w", path, err)
}

// open returns the sealed program, or the path of the cached file to
// run as it is (rootless).
func open(cacheDir string) (*os.File, string, error) {
	path, err := sealedbin.Cache(cacheDir, "myrunc-engine-", Sum(), Binary)
	if err == nil {
		f, serr := sealedbin.Seal(path)
		if serr == nil {
			return f, "", nil
		}
		if os.Geteuid() != 0 {
			return nil, path, nil
		}
	}
	f, err := sealedbin.Memfd("myrunc-engine", Binary)
	return f, "", err
}

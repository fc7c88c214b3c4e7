// Package selfexe names the myrunc binary the user runs. The engine
// program is exec'd from a sealed copy (see internal/enginebin) whose own
// path means nothing to anyone else; what it writes for later (hook
// paths in bundles, the monitor it starts, the init it mounts) names
// the user's myrunc instead, which runc, crun and any later myrunc
// understand.
package selfexe

import "os"

// Env carries the user's myrunc's path into the engine program.
const Env = "MYRUNC_SELF_EXE"

// Path is the myrunc the user ran: the one that exec'd this engine
// program, or this program itself.
func Path() (string, error) {
	if p := os.Getenv(Env); p != "" {
		return p, nil
	}
	return os.Executable()
}

// Is tells whether path is this program, by the user's path or its own.
func Is(path string) bool {
	st, err := os.Stat(path)
	if err != nil {
		return false
	}
	if self, err := Path(); err == nil {
		if s, err := os.Stat(self); err == nil && os.SameFile(st, s) {
			return true
		}
	}
	s, err := os.Stat("/proc/self/exe")
	return err == nil && os.SameFile(st, s)
}

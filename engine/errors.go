package engine

import (
	"crypto/rand"
	"encoding/hex"
	"strings"

	"golang.org/x/sys/unix"

	"myrunc/internal/signals"
)

// ExitError carries the code a command exits with when the engine, not
// the container, failed: 125, 126 (not executable) or 127 (not found),
// as Docker's.
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string { return e.Err.Error() }
func (e *ExitError) Unwrap() error { return e.Err }

// startError maps a failed create or start to Docker's exit codes by the
// words the runtime keeps in its messages.
func startError(err error) error {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "executable file not found"), strings.Contains(msg, "no such file or directory"):
		return &ExitError{127, err}
	case strings.Contains(msg, "permission denied"):
		return &ExitError{126, err}
	}
	return &ExitError{125, err}
}

// newID is a Docker-style container ID: 64 random hex digits.
func newID() string {
	b := make([]byte, 32)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// ParseSignal takes 9, KILL, SIGKILL (any case).
func ParseSignal(s string) (unix.Signal, error) { return signals.Parse(s) }

// Our own word lists for generated names (adjective_noun, as Docker's
// names look).
var (
	nameAdjectives = []string{"amber", "brave", "calm", "clever", "eager", "fancy", "gentle", "happy",
		"jolly", "keen", "lively", "lucid", "merry", "nimble", "proud", "quiet", "rapid", "serene",
		"sharp", "steady", "sunny", "swift", "tidy", "vivid", "witty", "zesty"}
	nameNouns = []string{"otter", "falcon", "maple", "comet", "harbor", "lantern", "meadow", "pebble",
		"quartz", "river", "sparrow", "tundra", "willow", "canyon", "ember", "glacier", "heron", "island",
		"juniper", "kestrel", "lagoon", "marmot", "nebula", "orchid", "prairie", "summit"}
)

// randomName makes a name like "swift_otter"; later tries add digits.
func randomName(try int) string {
	b := make([]byte, 4)
	rand.Read(b)
	name := nameAdjectives[int(b[0])%len(nameAdjectives)] + "_" + nameNouns[int(b[1])%len(nameNouns)]
	if try > 0 {
		name += string(rune('0' + int(b[2])%10))
	}
	if try > 3 {
		name += hex.EncodeToString(b[3:])
	}
	return name
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

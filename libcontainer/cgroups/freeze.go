package cgroups

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// freezeTimeout bounds a freeze. The kernel freezes a task only when it
// leaves the kernel; one in an uninterruptible sleep (a hung NFS or FUSE
// mount) keeps the cgroup freezing for as long as it sleeps, and the
// library's freezer waits for it forever.
var freezeTimeout = 5 * time.Second

// freezer is one cgroup's freezer: set asks for a state, reached says
// whether every process is in it.
type freezer interface {
	set(frozen bool) error
	reached(frozen bool) (bool, error)
}

// freeze moves f to the state frozen and waits for it, at most timeout.
// A freeze that does not finish is undone: a half-frozen container is
// neither paused nor running, and nothing could tell which of its
// processes stopped.
func freeze(f freezer, frozen bool, timeout time.Duration) error {
	if err := waitFreezer(f, frozen, timeout); err != errTimeout {
		return err
	}
	if !frozen {
		return fmt.Errorf("thawing did not finish within %s", timeout)
	}
	if err := waitFreezer(f, false, timeout); err != nil {
		return fmt.Errorf("freezing did not finish within %s, and thawing back failed too (%v): the container may be partly frozen", timeout, err)
	}
	return fmt.Errorf("freezing did not finish within %s (a process may be in an uninterruptible sleep, e.g. on a hung NFS or FUSE mount); the container was thawed again", timeout)
}

var errTimeout = fmt.Errorf("timeout")

func waitFreezer(f freezer, frozen bool, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	delay := time.Millisecond
	for {
		// asked again each time: v1 retries the tasks it could not freeze
		// only when the state is written again
		if err := f.set(frozen); err != nil {
			return err
		}
		ok, err := f.reached(frozen)
		if err != nil || ok {
			return err
		}
		if time.Now().After(deadline) {
			return errTimeout
		}
		time.Sleep(delay)
		delay = min(2*delay, 50*time.Millisecond)
	}
}

// v1Freezer is freezer.state in a v1 freezer hierarchy.
type v1Freezer string

func (d v1Freezer) set(frozen bool) error {
	state := "THAWED"
	if frozen {
		state = "FROZEN"
	}
	return os.WriteFile(filepath.Join(string(d), "freezer.state"), []byte(state), 0)
}

func (d v1Freezer) reached(frozen bool) (bool, error) {
	data, err := os.ReadFile(filepath.Join(string(d), "freezer.state"))
	if err != nil {
		return false, err
	}
	want := "THAWED"
	if frozen {
		want = "FROZEN"
	}
	return string(bytes.TrimSpace(data)) == want, nil
}

// v2Freezer is cgroup.freeze, and "frozen" in cgroup.events for the result.
type v2Freezer string

func (d v2Freezer) set(frozen bool) error {
	v := "0"
	if frozen {
		v = "1"
	}
	return os.WriteFile(filepath.Join(string(d), "cgroup.freeze"), []byte(v), 0)
}

func (d v2Freezer) reached(frozen bool) (bool, error) {
	f, err := os.Open(filepath.Join(string(d), "cgroup.events"))
	if err != nil {
		return false, err
	}
	defer f.Close()
	want := "frozen 0"
	if frozen {
		want = "frozen 1"
	}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if sc.Text() == want {
			return true, nil
		}
	}
	return false, sc.Err()
}

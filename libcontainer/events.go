package libcontainer

import (
	"fmt"
	"time"

	"golang.org/x/sys/unix"

	"myrunc/libcontainer/cgroups"
)

// Event is one line of `events`: "stats" with Data, or "oom" when the
// kernel's OOM killer killed a process of the container.
type Event struct {
	Type string         `json:"type"`
	ID   string         `json:"id"`
	Data *cgroups.Stats `json:"data,omitempty"`
}

// exitPoll bounds how long a missed exit notification goes unnoticed.
const exitPoll = 200 * time.Millisecond

// Stats reads the resource usage of a created, running or paused
// container from its cgroup.
func (c *Container) Stats() (*cgroups.Stats, error) {
	m, err := c.statsManager()
	if err != nil {
		return nil, err
	}
	return m.Stats()
}

func (c *Container) statsManager() (cgroups.Manager, error) {
	if st := c.Status(); st == Creating || st == Stopped {
		return nil, fmt.Errorf("cannot read the stats of container %q: %w", c.id, ErrNotRunning)
	}
	return cgroups.Load(c.state.CgroupPath)
}

// Events calls emit with a stats event now and every interval after, and
// with an oom event before it when the cgroup's count of OOM kills grew,
// until the container's init exits; then it returns nil. OOM kills from
// before the call are not reported.
func (c *Container) Events(interval time.Duration, emit func(*Event) error) error {
	if interval <= 0 {
		return fmt.Errorf("events: interval %s must be positive", interval)
	}
	m, err := c.statsManager()
	if err != nil {
		return err
	}
	exited, stop := watchExit(c.state.Pid, c.state.InitStartTime)
	defer stop()
	tick := time.NewTicker(interval)
	defer tick.Stop()
	ooms := int64(-1) // unknown until the first read
	check := func(s *cgroups.Stats) error {
		grew := ooms >= 0 && int64(s.OOMKills) > ooms
		ooms = int64(s.OOMKills)
		if grew {
			return emit(&Event{Type: "oom", ID: c.id})
		}
		return nil
	}
	for {
		s, err := m.Stats()
		if err != nil {
			if c.pidAlive() == 0 {
				return nil // the container stopped (or was deleted) meanwhile
			}
			return err
		}
		if err := check(s); err != nil {
			return err
		}
		if err := emit(&Event{Type: "stats", ID: c.id, Data: s}); err != nil {
			return err
		}
		select {
		case <-tick.C:
		case <-exited:
			// an OOM kill may be what ended the container
			if s, err := m.Stats(); err == nil {
				return check(s)
			}
			return nil
		}
	}
}

// watchExit closes the returned channel when the process pid (started at
// start) exits: at once through a pidfd, or within exitPoll without one.
// stop ends the watch.
func watchExit(pid int, start uint64) (<-chan struct{}, func()) {
	exited, done := make(chan struct{}), make(chan struct{})
	fd, err := unix.PidfdOpen(pid, 0)
	if err != nil {
		fd = -1
	}
	go func() {
		if fd >= 0 {
			defer unix.Close(fd)
		}
		for {
			if fd >= 0 {
				fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
				if n, _ := unix.Poll(fds, int(exitPoll/time.Millisecond)); n > 0 {
					close(exited)
					return
				}
			} else {
				time.Sleep(exitPoll)
			}
			// also catches a pidfd opened on a recycled pid
			if !alive(pid, start) {
				close(exited)
				return
			}
			select {
			case <-done:
				return
			default:
			}
		}
	}()
	return exited, func() { close(done) }
}

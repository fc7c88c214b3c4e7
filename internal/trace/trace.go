// Package trace records when each phase of a command ended, for --trace:
// one timeline across the runtime and the container's init, on the
// monotonic clock both share.
package trace

import (
	"fmt"
	"io"
	"sort"
	"sync"

	"golang.org/x/sys/unix"
)

// Event is a phase that ended at At (monotonic nanoseconds).
type Event struct {
	Name string `json:"name"`
	At   int64  `json:"at"`
}

var (
	enabled bool
	mu      sync.Mutex // marks come from more than one goroutine
	events  []Event
	// debug, if set (--debug), gets every phase as it ends
	debug func(name string)
)

// SetDebug passes every phase to log as it ends (--debug), whether or not
// --trace records them.
func SetDebug(log func(name string)) { debug = log }

// Now reads the monotonic clock, comparable between processes.
func Now() int64 {
	var ts unix.Timespec
	unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts)
	return ts.Nano()
}

// Enable starts recording; the first event is the start.
func Enable() {
	enabled = true
	Mark("start")
}

// Restart drops the events so far (a long-lived process's next
// timeline starts here).
func Restart() {
	if !enabled {
		return
	}
	mu.Lock()
	events = events[:0]
	mu.Unlock()
}

// Enabled says whether --trace is on.
func Enabled() bool { return enabled }

// Mark records the end of a phase.
func Mark(name string) {
	if debug != nil {
		debug(name)
	}
	if enabled {
		mu.Lock()
		events = append(events, Event{name, Now()})
		mu.Unlock()
	}
	Fault(name)
}

// Add records events that happened elsewhere (the init's steps).
func Add(prefix string, evs []Event) {
	if debug != nil {
		for _, e := range evs {
			debug(prefix + e.Name)
		}
	}
	if !enabled {
		return
	}
	mu.Lock()
	defer mu.Unlock()
	for _, e := range evs {
		events = append(events, Event{prefix + e.Name, e.At})
	}
}

// Print writes the timeline in order: the time of each event since the
// start and since the event before it.
func Print(w io.Writer) {
	if !enabled || len(events) == 0 {
		return
	}
	mu.Lock()
	evs := append([]Event(nil), events...)
	mu.Unlock()
	sort.SliceStable(evs, func(i, j int) bool { return evs[i].At < evs[j].At })
	t0, prev := evs[0].At, evs[0].At
	for _, e := range evs {
		fmt.Fprintf(w, "trace %9.3fms %+8.3fms  %s\n", ms(e.At-t0), ms(e.At-prev), e.Name)
		prev = e.At
	}
}

func ms(ns int64) float64 { return float64(ns) / 1e6 }

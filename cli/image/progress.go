package image

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"

	"myrunc/image"
)

// newReporter shows a pull's layers: on a terminal one live line per
// layer (state, bytes, rate), otherwise a plain line per step, as Docker
// prints them; quiet prints nothing. done waits for the bars to finish.
func newReporter(quiet bool) (rep image.Reporter, done func()) {
	switch {
	case quiet:
		return image.Quiet{}, func() {}
	case term.IsTerminal(int(os.Stdout.Fd())):
		l := newLiveReporter(os.Stdout)
		return l, l.wait
	}
	return &lineReporter{w: os.Stdout}, func() {}
}

type lineReporter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lineReporter) Reader(id string, _ int64, r io.Reader) io.Reader {
	l.Status(id, "Pulling fs layer")
	return r
}

func (l *lineReporter) Status(id, status string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	fmt.Fprintf(l.w, "%s: %s\n", id, status)
}

// liveReporter redraws one line per layer on the terminal, Docker-like:
// "ID: Downloading [=====>     ] 12.3MB/45.6MB 5.1MB/s". (A library
// such as mpb costs ~0.5 ms of package init in every myrunc process,
// runtime commands included; these few lines cost nothing.)
type liveReporter struct {
	mu    sync.Mutex
	w     io.Writer
	order []string
	rows  map[string]*layerRow
	drawn int
	stop  chan struct{}
	done  chan struct{}
}

type layerRow struct {
	state      string
	cur, total int64
	start      time.Time
}

func newLiveReporter(w io.Writer) *liveReporter {
	l := &liveReporter{w: w, rows: map[string]*layerRow{}, stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		t := time.NewTicker(150 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				l.draw()
			case <-l.stop:
				l.draw()
				close(l.done)
				return
			}
		}
	}()
	return l
}

func (l *liveReporter) row(id string) *layerRow {
	r := l.rows[id]
	if r == nil {
		r = &layerRow{state: "Waiting"}
		l.rows[id] = r
		l.order = append(l.order, id)
	}
	return r
}

func (l *liveReporter) Reader(id string, size int64, r io.Reader) io.Reader {
	l.mu.Lock()
	defer l.mu.Unlock()
	row := l.row(id)
	row.state, row.total, row.cur, row.start = "Downloading", size, 0, time.Now()
	return &countingReader{r: r, l: l, row: row}
}

func (l *liveReporter) Status(id, status string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.row(id).state = status
}

type countingReader struct {
	r   io.Reader
	l   *liveReporter
	row *layerRow
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.l.mu.Lock()
	c.row.cur += int64(n)
	c.l.mu.Unlock()
	return n, err
}

// draw moves the cursor back over the lines drawn last time and redraws.
func (l *liveReporter) draw() {
	l.mu.Lock()
	defer l.mu.Unlock()
	var b strings.Builder
	if l.drawn > 0 {
		fmt.Fprintf(&b, "\x1b[%dA", l.drawn)
	}
	for _, id := range l.order {
		r := l.rows[id]
		fmt.Fprintf(&b, "\x1b[2K%s: %-16s", id, r.state)
		if r.state == "Downloading" && r.total > 0 {
			width := 30
			done := int(min(r.cur*int64(width)/r.total, int64(width)))
			bar := strings.Repeat("=", done) + ">" + strings.Repeat(" ", width-done)
			rate := float64(r.cur) / max(time.Since(r.start).Seconds(), 0.001)
			fmt.Fprintf(&b, " [%s] %s/%s %s/s", bar[:width], humanSize(r.cur), humanSize(r.total), humanSize(int64(rate)))
		}
		b.WriteString("\n")
	}
	l.drawn = len(l.order)
	io.WriteString(l.w, b.String())
}

func (l *liveReporter) wait() {
	close(l.stop)
	<-l.done
}

package image

import (
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"
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
		p := mpb.New(mpb.WithOutput(os.Stdout), mpb.WithWidth(30))
		b := &barReporter{p: p, bars: map[string]*layerBar{}}
		return b, b.wait
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

type barReporter struct {
	p    *mpb.Progress
	mu   sync.Mutex
	bars map[string]*layerBar
}

type layerBar struct {
	bar   *mpb.Bar
	mu    sync.Mutex
	state string
}

func (l *layerBar) get(decor.Statistics) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.state
}

func (b *barReporter) bar(id string, size int64) *layerBar {
	b.mu.Lock()
	defer b.mu.Unlock()
	if lb := b.bars[id]; lb != nil {
		return lb
	}
	lb := &layerBar{state: "Waiting"}
	lb.bar = b.p.AddBar(size,
		mpb.PrependDecorators(decor.Name(id+": "), decor.Any(lb.get, decor.WC{W: 18, C: decor.DindentRight})),
		mpb.AppendDecorators(
			decor.OnComplete(decor.CountersKiloByte("% .1f / % .1f"), ""),
			decor.OnComplete(decor.AverageSpeed(decor.SizeB1000(0), "  % .1f"), "")))
	b.bars[id] = lb
	return lb
}

func (b *barReporter) Reader(id string, size int64, r io.Reader) io.Reader {
	lb := b.bar(id, size)
	lb.mu.Lock()
	lb.state = "Downloading"
	lb.mu.Unlock()
	pr, _ := lb.bar.ProxyReader(r)
	return pr
}

func (b *barReporter) Status(id, status string) {
	lb := b.bar(id, 0)
	lb.mu.Lock()
	lb.state = status
	lb.mu.Unlock()
	if status == "Pull complete" || status == "Already exists" {
		lb.bar.SetTotal(-1, true)
	}
}

// wait ends every bar (a failed pull leaves some unfinished) and waits
// for the last frame.
func (b *barReporter) wait() {
	b.mu.Lock()
	for _, lb := range b.bars {
		if !lb.bar.Completed() {
			lb.bar.Abort(false)
		}
	}
	b.mu.Unlock()
	b.p.Wait()
}

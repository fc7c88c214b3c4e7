package engine

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// LogEntry is one line of Docker's json-file log.
type LogEntry struct {
	Log    string    `json:"log"`
	Stream string    `json:"stream"`
	Time   time.Time `json:"time"`
}

// maxLogLine is where Docker cuts a line without a newline into parts.
const maxLogLine = 16 * 1024

// logWriter writes the container's output as json-file lines: one entry
// per line of each stream (a line longer than 16 KiB in parts).
type logWriter struct {
	mu  sync.Mutex
	f   *os.File
	now func() time.Time
}

func openLog(path string) (*logWriter, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND|unix.O_CLOEXEC, 0o640)
	if err != nil {
		return nil, err
	}
	return &logWriter{f: f, now: time.Now}, nil
}

func (l *logWriter) Close() error { return l.f.Close() }

// entry encodes one log line as Docker does.
func encodeEntry(line []byte, stream string, t time.Time) []byte {
	var b bytes.Buffer
	b.WriteString(`{"log":`)
	// Docker's encoder escapes like encoding/json, without HTML escaping
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(string(line))
	b.Truncate(b.Len() - 1)
	b.WriteString(`,"stream":"` + stream + `","time":"`)
	b.WriteString(t.UTC().Format(time.RFC3339Nano))
	b.WriteString("\"}\n")
	return b.Bytes()
}

func (l *logWriter) write(line []byte, stream string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.f.Write(encodeEntry(line, stream, l.now()))
}

// lineSplitter feeds one stream's bytes to the log a line at a time.
type lineSplitter struct {
	log    *logWriter
	stream string
	buf    []byte
}

func (s *lineSplitter) Write(p []byte) (int, error) {
	s.buf = append(s.buf, p...)
	for {
		i := bytes.IndexByte(s.buf, '\n')
		if i < 0 {
			break
		}
		s.log.write(s.buf[:i+1], s.stream)
		s.buf = s.buf[i+1:]
	}
	for len(s.buf) >= maxLogLine {
		s.log.write(s.buf[:maxLogLine], s.stream)
		s.buf = s.buf[maxLogLine:]
	}
	if len(s.buf) == 0 {
		s.buf = nil
	}
	return len(p), nil
}

// flush writes a last line without its newline.
func (s *lineSplitter) flush() {
	if len(s.buf) > 0 {
		s.log.write(s.buf, s.stream)
		s.buf = nil
	}
}

// LogsOptions are `container logs`'s flags.
type LogsOptions struct {
	Follow     bool
	Tail       int // -1: all
	Timestamps bool
	Since      time.Time
}

// ParseSince reads --since: RFC 3339 time, a Unix timestamp, or a
// duration before now (10m, 1h30m).
func ParseSince(s string, now time.Time) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if d, err := time.ParseDuration(s); err == nil {
		return now.Add(-d), nil
	}
	for _, layout := range []string{time.RFC3339Nano, time.RFC3339, "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	if sec, frac, _ := strings.Cut(s, "."); sec != "" {
		if n, err := strconv.ParseInt(sec, 10, 64); err == nil {
			ns := int64(0)
			if frac != "" {
				f, err := strconv.ParseFloat("0."+frac, 64)
				if err != nil {
					return time.Time{}, fmt.Errorf("invalid --since %q", s)
				}
				ns = int64(f * 1e9)
			}
			return time.Unix(n, ns), nil
		}
	}
	return time.Time{}, fmt.Errorf("invalid value for \"since\": %q is not a time, Unix timestamp or duration", s)
}

// readLog prints the log's entries from r; it returns how far it read.
func printEntries(r io.Reader, o LogsOptions, stdout, stderr io.Writer, tail int) error {
	var entries []LogEntry
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 4*maxLogLine)
	for sc.Scan() {
		var e LogEntry
		if json.Unmarshal(sc.Bytes(), &e) != nil {
			continue
		}
		if !o.Since.IsZero() && e.Time.Before(o.Since) {
			continue
		}
		if tail >= 0 {
			entries = append(entries, e)
			if len(entries) > tail {
				entries = entries[1:]
			}
			continue
		}
		writeEntry(e, o, stdout, stderr)
	}
	for _, e := range entries {
		writeEntry(e, o, stdout, stderr)
	}
	return sc.Err()
}

func writeEntry(e LogEntry, o LogsOptions, stdout, stderr io.Writer) {
	w := stdout
	if e.Stream == "stderr" {
		w = stderr
	}
	if o.Timestamps {
		fmt.Fprintf(w, "%s %s", e.Time.UTC().Format("2006-01-02T15:04:05.000000000Z"), e.Log)
		return
	}
	io.WriteString(w, e.Log)
}

// Logs prints a container's log; with Follow it keeps printing new lines
// until the container stops.
func (e *Engine) Logs(ref string, o LogsOptions, stdout, stderr io.Writer) error {
	c, err := e.Get(ref)
	if err != nil {
		return err
	}
	f, err := os.Open(e.LogPath(c.ID))
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	if err := printEntries(f, o, stdout, stderr, o.Tail); err != nil {
		return err
	}
	if !o.Follow {
		return nil
	}
	rd := bufio.NewReader(f)
	var partial []byte
	for {
		line, err := rd.ReadBytes('\n')
		partial = append(partial, line...)
		if err == nil {
			printEntries(bytes.NewReader(partial), o, stdout, stderr, -1)
			partial = partial[:0]
			continue
		}
		// at the end: stop once the container is not running any more
		cur, gerr := e.Get(c.ID)
		if gerr != nil || !cur.State.Running() {
			// one more read for what it wrote before it stopped
			rest, _ := io.ReadAll(rd)
			printEntries(bytes.NewReader(append(partial, rest...)), o, stdout, stderr, -1)
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
}

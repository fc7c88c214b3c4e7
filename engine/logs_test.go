package engine

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestLogLinesAreDockers(t *testing.T) {
	tm := time.Date(2024, 5, 6, 7, 8, 9, 123456789, time.UTC)
	got := string(encodeEntry([]byte("a \"quoted\" <tag> line\n"), "stderr", tm))
	want := `{"log":"a \"quoted\" <tag> line\n","stream":"stderr","time":"2024-05-06T07:08:09.123456789Z"}` + "\n"
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestLineSplitter(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log")
	lw, err := openLog(path)
	if err != nil {
		t.Fatal(err)
	}
	lw.now = func() time.Time { return time.Unix(0, 0) }
	sp := &lineSplitter{log: lw, stream: "stdout"}
	sp.Write([]byte("one\ntw"))
	sp.Write([]byte("o\nthree"))
	sp.Write(bytes.Repeat([]byte("x"), maxLogLine+1))
	sp.flush()
	lw.Close()
	var out, errb bytes.Buffer
	f, _ := os.Open(path)
	defer f.Close()
	if err := printEntries(f, LogsOptions{}, &out, &errb, -1); err != nil {
		t.Fatal(err)
	}
	want := "one\ntwo\nthree" + strings.Repeat("x", maxLogLine+1)
	if out.String() != want {
		t.Errorf("got %q", out.String()[:40])
	}
	data, _ := os.ReadFile(path)
	if n := bytes.Count(data, []byte("\n")); n != 4 {
		t.Errorf("%d entries, want 4 (one, two, a 16K part, the rest)", n)
	}
	f.Seek(0, 0)
	out.Reset()
	printEntries(f, LogsOptions{}, &out, &errb, 1)
	if out.String() != "xxxxxx" {
		t.Errorf("tail 1: %q", out.String())
	}
}

func TestParseSince(t *testing.T) {
	now := time.Date(2024, 1, 1, 12, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Time{
		"10m":                  now.Add(-10 * time.Minute),
		"2024-01-01T11:00:00Z": time.Date(2024, 1, 1, 11, 0, 0, 0, time.UTC),
		"1704106800":           time.Unix(1704106800, 0),
		"1704106800.5":         time.Unix(1704106800, 5e8),
	} {
		got, err := ParseSince(in, now)
		if err != nil || !got.Equal(want) {
			t.Errorf("%s: %v %v, want %v", in, got, err, want)
		}
	}
	if _, err := ParseSince("yesterday", now); err == nil {
		t.Error("yesterday accepted")
	}
}

func TestAttachFrames(t *testing.T) {
	var b bytes.Buffer
	rw := &rwc{&b}
	f := &frameConn{rw: rw}
	f.write(frameStdout, []byte("out"))
	f.write(frameStderr, []byte("err"))
	minus := int32(-1)
	f.write(frameExit, u32(uint32(minus)))
	var o, e bytes.Buffer
	code, err := (&Attached{conn: f}).Copy(&o, &e)
	if err != nil || code != -1 || o.String() != "out" || e.String() != "err" {
		t.Errorf("code %d err %v out %q err %q", code, err, o.String(), e.String())
	}
}

type rwc struct{ *bytes.Buffer }

func (rwc) Close() error { return nil }

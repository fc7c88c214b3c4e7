package image

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"testing/iotest"
)

func TestReadAhead(t *testing.T) {
	data := bytes.Repeat([]byte("0123456789"), 100_003)
	ra := newReadAhead(iotest.HalfReader(bytes.NewReader(data)), 4096, 3)
	got, err := io.ReadAll(iotest.OneByteReader(io.LimitReader(ra, 10)))
	if err != nil || string(got) != "0123456789" {
		t.Fatalf("first bytes %q %v", got, err)
	}
	rest, err := io.ReadAll(ra)
	ra.Close()
	if err != nil || !bytes.Equal(append(got, rest...), data) {
		t.Fatalf("read %d bytes, %v; want %d", len(got)+len(rest), err, len(data))
	}

	// an error after some data: the data, then the error
	boom := errors.New("boom")
	ra = newReadAhead(io.MultiReader(bytes.NewReader(data[:5000]), iotest.ErrReader(boom)), 4096, 2)
	got, err = io.ReadAll(ra)
	ra.Close()
	if !errors.Is(err, boom) || len(got) != 5000 {
		t.Fatalf("got %d bytes, %v", len(got), err)
	}

	// the reader's own io.ErrUnexpectedEOF (a cut download) stays one
	ra = newReadAhead(io.MultiReader(bytes.NewReader(data[:100]), iotest.ErrReader(io.ErrUnexpectedEOF)), 4096, 2)
	_, err = io.ReadAll(ra)
	ra.Close()
	if err != io.ErrUnexpectedEOF {
		t.Fatalf("a cut stream read as %v", err)
	}

	// abandoned while its reader blocks: then runs once the reader returns
	pr, pw := io.Pipe()
	ra = newReadAhead(pr, 4096, 2)
	done := make(chan struct{})
	ra.Abandon(func() { close(done) })
	pw.CloseWithError(boom)
	<-done
}

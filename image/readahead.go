package image

import "io"

// readAhead reads r in a goroutine of its own, up to depth chunks ahead of
// its reader: a layer's download, digest and decompression run on one
// core while the unpacker creates files on another.
type readAhead struct {
	full chan chunk
	free chan []byte
	stop chan struct{}
	done chan struct{}
	cur  []byte // unread part of buf
	buf  []byte // the chunk being read, back to free when done
	err  error
}

type chunk struct {
	b   []byte
	err error
}

func newReadAhead(r io.Reader, size, depth int) *readAhead {
	ra := &readAhead{full: make(chan chunk, depth), free: make(chan []byte, depth+1),
		stop: make(chan struct{}), done: make(chan struct{})}
	for range depth + 1 {
		ra.free <- make([]byte, size)
	}
	go ra.run(r)
	return ra
}

func (ra *readAhead) run(r io.Reader) {
	defer close(ra.done)
	for {
		var b []byte
		select {
		case b = <-ra.free:
		case <-ra.stop:
			return
		}
		n, err := fill(r, b)
		select {
		case ra.full <- chunk{b[:n], err}:
		case <-ra.stop:
			return
		}
		if err != nil {
			return
		}
	}
}

// fill reads into b until it is full or r fails; r's error as it came
// (io.ReadFull would turn an early io.EOF into io.ErrUnexpectedEOF, and
// could not be told from r's own).
func fill(r io.Reader, b []byte) (int, error) {
	n := 0
	for n < len(b) {
		k, err := r.Read(b[n:])
		n += k
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

func (ra *readAhead) Read(p []byte) (int, error) {
	for len(ra.cur) == 0 {
		if ra.err != nil {
			return 0, ra.err
		}
		if ra.buf != nil {
			ra.free <- ra.buf[:cap(ra.buf)]
			ra.buf = nil
		}
		c := <-ra.full
		ra.cur, ra.buf, ra.err = c.b, c.b, c.err
	}
	n := copy(p, ra.cur)
	ra.cur = ra.cur[n:]
	return n, nil
}

// Close stops the reading goroutine and waits for it: r is not read
// after Close returns.
func (ra *readAhead) Close() {
	close(ra.stop)
	<-ra.done
}

// Abandon stops the reading goroutine without waiting: then runs (in the
// goroutine's wake) once r is no longer read.
func (ra *readAhead) Abandon(then func()) {
	close(ra.stop)
	go func() {
		<-ra.done
		then()
	}()
}

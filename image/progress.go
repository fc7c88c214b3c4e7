package image

import "io"

// Reporter hears how each layer of a pull, load or push goes, by short ID
// (12 hex digits), to show progress. Methods may be called from several
// goroutines at once.
type Reporter interface {
	// Reader wraps a layer's stream to count its bytes; size is the blob's
	// length when known (0 if not).
	Reader(id string, size int64, r io.Reader) io.Reader
	// Status is a step done: "Already exists", "Pull complete", ...
	Status(id, status string)
}

// Quiet reports nothing.
type Quiet struct{}

func (Quiet) Reader(_ string, _ int64, r io.Reader) io.Reader { return r }
func (Quiet) Status(string, string)                           {}

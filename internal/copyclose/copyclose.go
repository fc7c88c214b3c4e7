// Package copyclose fills a file from a reader and closes it, keeping the
// first error: a write that failed only at close (a full disk on a
// delayed write-back) must not pass for a good copy.
package copyclose

import "io"

// Copy copies in to out, then closes out; it returns the copy's error,
// else the close's.
func Copy(out io.WriteCloser, in io.Reader) error {
	_, err := io.Copy(out, in)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return err
}

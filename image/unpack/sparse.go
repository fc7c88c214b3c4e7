package unpack

import (
	"archive/tar"
	"io"
	"os"
)

// isSparse says whether the tar recorded the file as sparse (GNU or PAX
// sparse formats); the reader hands us its holes as zeros.
func isSparse(hdr *tar.Header) bool {
	if hdr.Typeflag == tar.TypeGNUSparse {
		return true
	}
	for _, k := range []string{"GNU.sparse.map", "GNU.sparse.major", "GNU.sparse.size", "GNU.sparse.realsize"} {
		if _, ok := hdr.PAXRecords[k]; ok {
			return true
		}
	}
	return false
}

// copySparse writes r to f, seeking over all-zero blocks so they stay
// holes, and sets the final size (a file may end in a hole).
func copySparse(f *os.File, r io.Reader, size int64, buf []byte) error {
	const block = 4096
	var off int64
	for {
		n, err := io.ReadFull(r, buf)
		for i := 0; i < n; i += block {
			chunk := buf[i:min(i+block, n)]
			if !allZero(chunk) {
				if _, werr := f.WriteAt(chunk, off); werr != nil {
					return werr
				}
			}
			off += int64(len(chunk))
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			break
		}
		if err != nil {
			return err
		}
	}
	return f.Truncate(max(off, size))
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

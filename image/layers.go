package image

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/google/go-containerregistry/pkg/v1"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"

	"myrunc/image/unpack"
)

// layerInfo is layers/HEX/layer.json.
type layerInfo struct {
	DiffID string `json:"diffID"`
	Size   int64  `json:"size"`
	// TarSize is the uncompressed tar's length: save writes it again
	TarSize int64  `json:"tarSize"`
	Link    string `json:"link"`
}

// chainIDs are the layers' identities as stacked: the first is its diff
// ID, each next one sha256("<parent chain ID> <diff ID>").
func chainIDs(diffIDs []v1.Hash) []v1.Hash {
	out := make([]v1.Hash, len(diffIDs))
	for i, d := range diffIDs {
		if i == 0 {
			out[i] = d
			continue
		}
		sum := sha256.Sum256([]byte(out[i-1].String() + " " + d.String()))
		out[i] = v1.Hash{Algorithm: "sha256", Hex: fmt.Sprintf("%x", sum)}
	}
	return out
}

// linkName is the layer's short name under l/: overlay mount options
// name every lower directory, and short names fit more of them.
func linkName(chain v1.Hash) string { return chain.Hex[:20] }

func (s *Store) hasLayer(chain v1.Hash) bool {
	_, err := os.Stat(filepath.Join(s.layerPath(chain), "layer.json"))
	return err == nil
}

func (s *Store) hasBlob(h v1.Hash) bool {
	if h.Hex == "" {
		return false
	}
	_, err := os.Stat(s.blobPath(h))
	return err == nil
}

func (s *Store) readLayerInfo(chain v1.Hash) (*layerInfo, error) {
	data, err := os.ReadFile(filepath.Join(s.layerPath(chain), "layer.json"))
	if err != nil {
		return nil, err
	}
	var li layerInfo
	return &li, json.Unmarshal(data, &li)
}

// writeBlob stores data under its digest, checking it against want
// (unless want is zero).
func (s *Store) writeBlob(data []byte, want v1.Hash) (v1.Hash, error) {
	sum := sha256.Sum256(data)
	got := v1.Hash{Algorithm: "sha256", Hex: fmt.Sprintf("%x", sum)}
	if want.Hex != "" && got != want {
		return got, &DigestError{Blob: want, Got: got}
	}
	if s.hasBlob(got) {
		return got, nil
	}
	f, err := os.CreateTemp(s.path("tmp"), "blob-")
	if err != nil {
		return got, err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), s.blobPath(got))
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return got, err
}

func (s *Store) readBlob(h v1.Hash) ([]byte, error) {
	data, err := os.ReadFile(s.blobPath(h))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("blob %s is missing from the store", h)
	}
	return data, err
}

// DigestError says a blob's content does not match its digest.
type DigestError struct {
	Blob, Got v1.Hash
	What      string // "" for a blob, "diff ID" for the uncompressed layer
}

func (e *DigestError) Error() string {
	what := "blob " + e.Blob.String()
	if e.What != "" {
		what = e.What + " " + e.Blob.String()
	}
	return fmt.Sprintf("digest mismatch: %s: content has digest %s", what, e.Got)
}

// layerJob is one layer to put in the store.
type layerJob struct {
	chain, diffID v1.Hash
	blob          v1.Hash // may be zero: learnt while reading (docker-archive layers)
	size          int64   // the blob's size from the manifest (0: unknown)
	open          func() (io.ReadCloser, error)
	// set by ensureLayer
	gotBlob  v1.Hash
	blobSize int64
	tarSize  int64
	gotDiff  v1.Hash
	compress string // "gzip", "zstd" or ""
}

// ensureLayer makes sure the layer is unpacked and its blob stored, once
// even when several processes ask at the same time: the per-layer lock
// makes the others wait, then find it done. Work happens under tmp/ and
// appears by rename.
func (s *Store) ensureLayer(j *layerJob, rep Reporter) error {
	id := shortID(j.blob, j.diffID)
	if s.hasLayer(j.chain) && s.hasBlob(j.blob) {
		j.gotBlob = j.blob
		rep.Status(id, "Already exists")
		return s.fillBlobInfo(j)
	}
	l, err := s.lockLayer(j.chain.Hex)
	if err != nil {
		return err
	}
	defer l.Close()
	needLayer, needBlob := !s.hasLayer(j.chain), !s.hasBlob(j.blob)
	if !needLayer && !needBlob {
		j.gotBlob = j.blob
		rep.Status(id, "Already exists")
		return s.fillBlobInfo(j)
	}
	tmp, err := s.tempDir("layer")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	open := j.open
	if !needBlob && j.blob.Hex != "" { // unpack from the stored blob
		open = func() (io.ReadCloser, error) { return os.Open(s.blobPath(j.blob)) }
	}
	rc, err := open()
	if err != nil {
		return err
	}
	defer rc.Close()
	var blobFile *os.File
	if needBlob {
		if blobFile, err = os.Create(filepath.Join(tmp, "blob")); err != nil {
			return err
		}
		defer blobFile.Close()
	}
	diffDir := ""
	if needLayer {
		diffDir = filepath.Join(tmp, "layer", "diff")
		if err := os.MkdirAll(diffDir, 0o755); err != nil {
			return err
		}
	}
	size, err := s.stream(j, rep.Reader(id, j.size, rc), blobFile, diffDir)
	if err != nil {
		return err
	}
	if needBlob {
		if err := blobFile.Close(); err != nil {
			return err
		}
		if err := os.Rename(blobFile.Name(), s.blobPath(j.gotBlob)); err != nil {
			return err
		}
	}
	if needLayer {
		if err := s.commitLayer(j, tmp, size); err != nil {
			return err
		}
	}
	rep.Status(id, "Pull complete")
	return nil
}

// fillBlobInfo learns size and compression of a stored blob (an image
// made from layers that were in the store already).
func (s *Store) fillBlobInfo(j *layerJob) error {
	f, err := os.Open(s.blobPath(j.gotBlob))
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	j.blobSize = st.Size()
	head := make([]byte, 4)
	n, _ := io.ReadFull(f, head)
	j.compress = compressionOf(head[:n])
	return nil
}

func (s *Store) commitLayer(j *layerJob, tmp string, size int64) error {
	info, _ := json.Marshal(layerInfo{DiffID: j.diffID.String(), Size: size, TarSize: j.tarSize, Link: linkName(j.chain)})
	if err := os.WriteFile(filepath.Join(tmp, "layer", "layer.json"), info, 0o600); err != nil {
		return err
	}
	// a directory left by a killed commit (no layer.json yet) is replaced
	os.RemoveAll(s.layerPath(j.chain))
	if err := os.Rename(filepath.Join(tmp, "layer"), s.layerPath(j.chain)); err != nil {
		return err
	}
	return s.ensureLink(j.chain)
}

// ensureLink makes l/LINK point at the layer's diff directory.
func (s *Store) ensureLink(chain v1.Hash) error {
	link := s.path("l", linkName(chain))
	target := filepath.Join("..", "layers", chain.Hex, "diff")
	if cur, err := os.Readlink(link); err == nil && cur == target {
		return nil
	}
	os.Remove(link)
	return os.Symlink(target, link)
}

// stream reads one layer blob once: hashing it, copying it to blobFile
// (if any), decompressing it, hashing the tar, unpacking it into diffDir
// (if any). Both digests are checked at the end; a mismatch fails the
// layer, and the caller discards what was written.
func (s *Store) stream(j *layerJob, r io.Reader, blobFile *os.File, diffDir string) (int64, error) {
	j.blobSize, j.tarSize = 0, 0
	blobHash := sha256.New()
	var w io.Writer = blobHash
	if blobFile != nil {
		w = io.MultiWriter(blobHash, blobFile)
	}
	br := bufio.NewReaderSize(io.TeeReader(r, &countWriter{w: w, n: &j.blobSize}), 256<<10)
	head, _ := br.Peek(4)
	j.compress = compressionOf(head)
	tarStream, closeFn, err := decompress(j.compress, br)
	if err != nil {
		return 0, fmt.Errorf("layer %s: %w", blobName(j), err)
	}
	defer func() { closeFn() }()
	diffHash := sha256.New()
	tr := io.TeeReader(tarStream, &countWriter{w: diffHash, n: &j.tarSize})
	var size int64
	if diffDir != "" {
		ra := newReadAhead(tr, 1<<20, 8)
		st, err := unpack.Apply(diffDir, ra)
		if err != nil {
			// its goroutine may wait on the network: it ends when the
			// caller closes the body, and closes the decompressor then
			ra.Abandon(closeFn)
			closeFn = func() {}
			return 0, fmt.Errorf("layer %s: %w", blobName(j), err)
		}
		ra.Close() // Apply read to the end: done reading br before it is read here
		size = st.Size
	} else if _, err := io.Copy(io.Discard, tr); err != nil {
		return 0, fmt.Errorf("layer %s: %w", blobName(j), err)
	}
	// the rest of the blob (a compressor's trailer) is part of its digest
	if _, err := io.Copy(io.Discard, br); err != nil {
		return 0, fmt.Errorf("layer %s: %w", blobName(j), err)
	}
	j.gotBlob = hashOf(blobHash)
	if j.blob.Hex != "" && j.gotBlob != j.blob {
		return 0, &DigestError{Blob: j.blob, Got: j.gotBlob}
	}
	j.gotDiff = hashOf(diffHash)
	if j.diffID.Hex != "" && j.gotDiff != j.diffID {
		return 0, &DigestError{Blob: j.diffID, Got: j.gotDiff, What: "layer " + blobName(j) + ": diff ID"}
	}
	return size, nil
}

func blobName(j *layerJob) string {
	if j.blob.Hex != "" {
		return j.blob.String()
	}
	return j.diffID.String()
}

func hashOf(h hash.Hash) v1.Hash {
	return v1.Hash{Algorithm: "sha256", Hex: fmt.Sprintf("%x", h.Sum(nil))}
}

func shortID(blob, diffID v1.Hash) string {
	if blob.Hex != "" {
		return blob.Hex[:12]
	}
	return diffID.Hex[:12]
}

type countWriter struct {
	w io.Writer
	n *int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	*c.n += int64(n)
	return n, err
}

func compressionOf(head []byte) string {
	switch {
	case bytes.HasPrefix(head, []byte{0x1f, 0x8b}):
		return "gzip"
	case bytes.HasPrefix(head, []byte{0x28, 0xb5, 0x2f, 0xfd}):
		return "zstd"
	}
	return ""
}

func decompress(kind string, r io.Reader) (io.Reader, func(), error) {
	switch kind {
	case "gzip":
		zr, err := gzip.NewReader(r)
		if err != nil {
			return nil, nil, fmt.Errorf("gzip: %w", err)
		}
		zr.Multistream(true)
		return zr, func() { zr.Close() }, nil
	case "zstd":
		zr, err := zstd.NewReader(r, zstd.WithDecoderConcurrency(1))
		if err != nil {
			return nil, nil, fmt.Errorf("zstd: %w", err)
		}
		return zr, zr.Close, nil
	}
	return r, func() {}, nil
}

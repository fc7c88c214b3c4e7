package handshake

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
)

// maxFrame bounds a message so a corrupt length cannot make us allocate
// without limit; config.json files are far smaller.
const maxFrame = 64 << 20

// frame layout: 4-byte big-endian length of (kind + body), 1-byte kind, JSON body.
type conn struct {
	f *os.File
}

func (c conn) send(k Kind, v any) error {
	body, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("handshake: encode %s: %w", k, err)
	}
	buf := make([]byte, 5+len(body))
	binary.BigEndian.PutUint32(buf, uint32(1+len(body)))
	buf[4] = byte(k)
	copy(buf[5:], body)
	if _, err := c.f.Write(buf); err != nil {
		return fmt.Errorf("handshake: send %s: %w", k, err)
	}
	return nil
}

// recv reads one frame. io.EOF means the peer closed before a new frame.
func (c conn) recv() (Kind, []byte, error) {
	var hdr [5]byte
	if _, err := io.ReadFull(c.f, hdr[:]); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return 0, nil, fmt.Errorf("handshake: truncated frame header: %w", err)
		}
		return 0, nil, err
	}
	n := binary.BigEndian.Uint32(hdr[:4])
	if n < 1 || n > maxFrame {
		return 0, nil, fmt.Errorf("handshake: bad frame length %d", n)
	}
	body := make([]byte, n-1)
	if _, err := io.ReadFull(c.f, body); err != nil {
		return 0, nil, fmt.Errorf("handshake: truncated %s frame: %w", Kind(hdr[4]), err)
	}
	return Kind(hdr[4]), body, nil
}

func decode(k Kind, body []byte, v any) error {
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("handshake: decode %s: %w", k, err)
	}
	return nil
}

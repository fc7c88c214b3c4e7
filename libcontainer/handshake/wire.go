package handshake

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"

	"golang.org/x/sys/unix"

	"myrunc/internal/fastjson"
)

// maxFrame bounds a message so a corrupt length cannot make us allocate
// without limit; config.json files are far smaller.
const maxFrame = 64 << 20

// maxFrameFiles bounds the descriptors one frame may carry (the kernel
// passes at most 253 in one message): the Config frame carries a detached
// tree per idmapped bind, and per bind of a container in a user namespace.
const maxFrameFiles = 250

// frame layout: 4-byte big-endian length of (kind + body), 1-byte kind, JSON body.
// Descriptors a frame carries travel as SCM_RIGHTS with its first bytes:
// on a unix stream socket they arrive with the read that takes the header.
type conn struct {
	f *os.File
}

func (c conn) send(k Kind, v any) error { return c.sendFiles(k, v, nil) }

// sendFiles sends one frame with files attached (nil: none).
func (c conn) sendFiles(k Kind, v any, files []*os.File) error {
	buf, err := encodeFrame(k, v)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		if _, err := c.f.Write(buf); err != nil {
			return fmt.Errorf("handshake: send %s: %w", k, err)
		}
		return nil
	}
	fds := make([]int, len(files))
	for i, f := range files {
		fds[i] = int(f.Fd())
	}
	n, err := unix.SendmsgN(int(c.f.Fd()), buf, unix.UnixRights(fds...), nil, 0)
	if err != nil {
		return fmt.Errorf("handshake: send %s: %w", k, err)
	}
	if _, err := c.f.Write(buf[n:]); err != nil {
		return fmt.Errorf("handshake: send %s: %w", k, err)
	}
	return nil
}

// encodeFrame is one frame's bytes.
func encodeFrame(k Kind, v any) ([]byte, error) {
	body, err := fastjson.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("handshake: encode %s: %w", k, err)
	}
	buf := make([]byte, 5+len(body))
	binary.BigEndian.PutUint32(buf, uint32(1+len(body)))
	buf[4] = byte(k)
	copy(buf[5:], body)
	return buf, nil
}

// recv reads one frame. io.EOF means the peer closed before a new frame.
func (c conn) recv() (Kind, []byte, error) {
	k, body, files, err := c.recvFiles()
	closeAll(files) // a frame that carries none was expected
	return k, body, err
}

// recvFiles reads one frame and the files it carries.
func (c conn) recvFiles() (Kind, []byte, []*os.File, error) {
	var hdr [5]byte
	files, err := c.readHeader(hdr[:])
	if err != nil {
		closeAll(files)
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return 0, nil, nil, fmt.Errorf("handshake: truncated frame header: %w", err)
		}
		return 0, nil, nil, err
	}
	n := binary.BigEndian.Uint32(hdr[:4])
	if n < 1 || n > maxFrame {
		closeAll(files)
		return 0, nil, nil, fmt.Errorf("handshake: bad frame length %d", n)
	}
	body := make([]byte, n-1)
	if _, err := io.ReadFull(c.f, body); err != nil {
		closeAll(files)
		return 0, nil, nil, fmt.Errorf("handshake: truncated %s frame: %w", Kind(hdr[4]), err)
	}
	return Kind(hdr[4]), body, files, nil
}

// readHeader fills hdr with recvmsg, collecting any descriptors sent.
func (c conn) readHeader(hdr []byte) ([]*os.File, error) {
	var files []*os.File
	oob := make([]byte, unix.CmsgSpace(maxFrameFiles*4))
	fd := int(c.f.Fd())
	for got := 0; got < len(hdr); {
		n, oobn, _, _, err := unix.Recvmsg(fd, hdr[got:], oob, unix.MSG_CMSG_CLOEXEC)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return files, err
		}
		if oobn > 0 {
			fs, err := parseRights(oob[:oobn])
			files = append(files, fs...)
			if err != nil {
				return files, err
			}
		}
		if n == 0 {
			if got == 0 {
				return files, io.EOF
			}
			return files, io.ErrUnexpectedEOF
		}
		got += n
	}
	return files, nil
}

func parseRights(oob []byte) ([]*os.File, error) {
	msgs, err := unix.ParseSocketControlMessage(oob)
	if err != nil {
		return nil, fmt.Errorf("handshake: control message: %w", err)
	}
	var files []*os.File
	for _, m := range msgs {
		fds, err := unix.ParseUnixRights(&m)
		if err != nil {
			continue
		}
		for _, fd := range fds {
			files = append(files, os.NewFile(uintptr(fd), "handshake-fd"))
		}
	}
	return files, nil
}

func closeAll(files []*os.File) {
	for _, f := range files {
		f.Close()
	}
}

func decode(k Kind, body []byte, v any) error {
	if err := fastjson.Unmarshal(body, v); err != nil {
		return fmt.Errorf("handshake: decode %s: %w", k, err)
	}
	return nil
}

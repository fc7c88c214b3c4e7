package handshake

import (
	"bytes"
	"encoding/binary"
	"errors"
	"slices"
	"testing"
)

// frame is one message on the wire, as a hostile init might write it.
func frame(k Kind, body string) []byte {
	b := binary.BigEndian.AppendUint32(nil, uint32(1+len(body)))
	return append(append(b, byte(k)), body...)
}

// FuzzParentNext feeds the runtime's end of the handshake whatever an
// init might send, and closes: the parent must neither panic nor hang,
// and never hand its caller a message the protocol does not allow at
// that point (Ready twice, hooks after Ready, a SeccompFd without its
// descriptor).
func FuzzParentNext(f *testing.F) {
	f.Add(frame(KindReady, `{"steps":[{"name":"x","at":1}]}`))
	f.Add(bytes.Join([][]byte{frame(KindHooksRequest, `{}`), frame(KindReady, `{}`)}, nil))
	f.Add(frame(KindError, `{"step":"mountRootfs","msg":"boom","errno":2}`))
	f.Add(frame(KindSeccompFd, `{}`))
	f.Add(bytes.Join([][]byte{frame(KindReady, `{}`), frame(KindReady, `{}`)}, nil))
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 4})
	f.Add(frame(KindConfig, `{"spec":null}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, child, err := Pair()
		if err != nil {
			t.Skip(err)
		}
		defer p.Close()
		if err := p.SendConfig(&Config{ID: "fuzz"}); err != nil {
			t.Fatal(err)
		}
		go func() {
			child.Write(data)
			child.Close()
		}()
		ready := false
		for range 1000 {
			before := slices.Clone(p.allowed)
			m, err := p.Next()
			if err != nil {
				var ie *InitError
				if errors.As(err, &ie) && !slices.Contains(before, KindError) {
					t.Fatalf("an Error accepted where it is not allowed (%v)", before)
				}
				return
			}
			switch m := m.(type) {
			case *HooksRequest:
				if ready || !slices.Contains(before, KindHooksRequest) {
					t.Fatalf("HooksRequest accepted out of turn (%v)", before)
				}
				p.AckHooks()
			case *SeccompFd:
				if ready || m.File == nil {
					t.Fatal("SeccompFd out of turn, or without its descriptor")
				}
				m.File.Close()
			case *Ready:
				if ready {
					t.Fatal("Ready accepted twice")
				}
				ready = true
			default:
				t.Fatalf("unexpected %T", m)
			}
		}
		t.Fatal("a thousand messages from a closed socket")
	})
}

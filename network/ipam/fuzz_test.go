package ipam

import (
	"net/netip"
	"testing"
)

// FuzzDecode: any bytes decode to an error or to a pool that encodes to a
// state that decodes again to the same pool, and that never hands out an
// address twice.
func FuzzDecode(f *testing.F) {
	p, _ := New(netip.MustParsePrefix("10.9.0.0/24"), netip.Prefix{}, netip.MustParseAddr("10.9.0.1"))
	p.Allocate("a")
	p.Allocate("b")
	f.Add(p.Encode())
	f.Add([]byte(`{"subnet":"10.9.0.0/30","bitmap":"","last":1}`))
	f.Add([]byte(`{"subnet":"10.0.0.0/8","range":"10.1.0.0/16","bitmap":"AA==","owners":{}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Decode(data)
		if err != nil {
			return
		}
		enc := p.Encode()
		q, err := Decode(enc)
		if err != nil {
			t.Fatalf("re-decode of %s: %v", enc, err)
		}
		if string(q.Encode()) != string(enc) {
			t.Fatalf("round trip differs: %s vs %s", enc, q.Encode())
		}
		seen := map[netip.Addr]bool{}
		for a := range p.Owners() {
			seen[a] = true
		}
		for i := 0; i < 4; i++ {
			a, err := p.Allocate("fuzz")
			if err != nil {
				return
			}
			if seen[a] || a == p.Gateway() {
				t.Fatalf("handed out %v twice", a)
			}
			seen[a] = true
		}
	})
}

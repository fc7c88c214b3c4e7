package ipam

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net/netip"
	"sort"
)

// state is the persisted form: the bitmap as little-endian words in
// base64, trailing zero words left out, and who holds each address.
type state struct {
	Subnet  string            `json:"subnet"`
	Range   string            `json:"range,omitempty"`
	Gateway string            `json:"gateway,omitempty"`
	Bitmap  string            `json:"bitmap"`
	Last    uint32            `json:"last"`
	Owners  map[string]string `json:"owners,omitempty"`
}

// Encode is the pool as JSON; Decode(Encode(p)) equals p.
func (p *Pool) Encode() []byte {
	s := state{Subnet: p.subnet.String(), Last: p.last, Owners: map[string]string{}}
	if p.rng != p.subnet {
		s.Range = p.rng.String()
	}
	if p.gateway.IsValid() {
		s.Gateway = p.gateway.String()
	}
	buf := make([]byte, 8*len(p.words))
	for i, w := range p.words {
		binary.LittleEndian.PutUint64(buf[8*i:], w)
	}
	s.Bitmap = base64.StdEncoding.EncodeToString(buf)
	offs := make([]uint32, 0, len(p.owners))
	for off := range p.owners {
		offs = append(offs, off)
	}
	sort.Slice(offs, func(i, j int) bool { return offs[i] < offs[j] })
	for _, off := range offs {
		s.Owners[p.addr(off).String()] = p.owners[off]
	}
	b, _ := json.Marshal(s) // strings and numbers only: cannot fail
	return b
}

// Decode reads what Encode wrote, and refuses a state that is not
// consistent (a set bit without an owner, an owner outside the subnet…)
// rather than hand out an address twice.
func Decode(data []byte) (*Pool, error) {
	var s state
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("ipam state: %w", err)
	}
	subnet, err := netip.ParsePrefix(s.Subnet)
	if err != nil {
		return nil, fmt.Errorf("ipam state: subnet: %w", err)
	}
	var rng netip.Prefix
	if s.Range != "" {
		if rng, err = netip.ParsePrefix(s.Range); err != nil {
			return nil, fmt.Errorf("ipam state: range: %w", err)
		}
	}
	var gw netip.Addr
	if s.Gateway != "" {
		if gw, err = netip.ParseAddr(s.Gateway); err != nil {
			return nil, fmt.Errorf("ipam state: gateway: %w", err)
		}
	}
	p, err := New(subnet, rng, gw)
	if err != nil {
		return nil, fmt.Errorf("ipam state: %w", err)
	}
	if err := p.decodeBitmap(s.Bitmap); err != nil {
		return nil, err
	}
	for a, owner := range s.Owners {
		addr, err := netip.ParseAddr(a)
		if err != nil {
			return nil, fmt.Errorf("ipam state: owner address: %w", err)
		}
		if err := p.usable(addr); err != nil || addr == gw {
			return nil, fmt.Errorf("ipam state: owner address %v cannot be handed out", addr)
		}
		if owner == "" {
			return nil, fmt.Errorf("ipam state: address %v has an empty owner", addr)
		}
		off := p.offset(addr)
		if !p.isSet(off) {
			return nil, fmt.Errorf("ipam state: address %v has an owner but its bit is clear", addr)
		}
		p.owners[off] = owner
	}
	want := len(p.owners)
	if gw.IsValid() {
		want++
	}
	if p.popcount() != want {
		return nil, fmt.Errorf("ipam state: %d bits set for %d owned addresses", p.popcount(), want)
	}
	if s.Last >= p.size() {
		return nil, fmt.Errorf("ipam state: last offset %d outside %v", s.Last, subnet)
	}
	p.last = s.Last
	return p, nil
}

func (p *Pool) decodeBitmap(b64 string) error {
	buf, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return fmt.Errorf("ipam state: bitmap: %w", err)
	}
	if len(buf)%8 != 0 {
		return fmt.Errorf("ipam state: bitmap of %d bytes is not whole words", len(buf))
	}
	if uint64(len(buf))*8 > uint64(p.size()) && len(buf) > 8 {
		return fmt.Errorf("ipam state: bitmap of %d bits for %v", len(buf)*8, p.subnet)
	}
	gwOff, hasGw := uint32(0), p.gateway.IsValid()
	if hasGw {
		gwOff = p.offset(p.gateway)
		p.clear(gwOff)
	}
	p.words = p.words[:0]
	for i := 0; i < len(buf); i += 8 {
		p.words = append(p.words, binary.LittleEndian.Uint64(buf[i:]))
	}
	for len(p.words) > 0 && p.words[len(p.words)-1] == 0 {
		p.words = p.words[:len(p.words)-1]
	}
	if len(p.words) > 0 && uint64(len(p.words)-1)*64 >= uint64(p.size()) {
		return fmt.Errorf("ipam state: bitmap longer than %v", p.subnet)
	}
	if hasGw && !p.isSet(gwOff) {
		return fmt.Errorf("ipam state: the gateway's bit is clear")
	}
	if p.isSet(0) || p.isSet(p.size()-1) {
		return fmt.Errorf("ipam state: network or broadcast address marked in use")
	}
	return nil
}

// Package ipam hands out the IPv4 addresses of one subnet from a bitmap.
// It is pure logic: the caller persists the pool (Encode/Decode) and
// serialises access to it (network/ keeps it under a file lock).
package ipam

import (
	"errors"
	"fmt"
	"math/bits"
	"net/netip"
)

// ErrExhausted: every address the pool may hand out is in use.
var ErrExhausted = errors.New("no free address")

// Pool is one subnet. Bit i of the bitmap is the address subnet+i; the
// network and broadcast addresses and the gateway are never handed out.
type Pool struct {
	subnet  netip.Prefix
	rng     netip.Prefix // dynamic allocation stays inside; fixed addresses may be anywhere in subnet
	gateway netip.Addr   // zero when the network has none
	words   []uint64     // grows on demand: a /8 costs only what is used
	owners  map[uint32]string
	last    uint32 // offset handed out last: allocation goes on from there, so a freed address is reused late
}

// New makes an empty pool. rng may be the zero prefix (the whole subnet).
func New(subnet, rng netip.Prefix, gateway netip.Addr) (*Pool, error) {
	if !subnet.IsValid() || !subnet.Addr().Is4() {
		return nil, fmt.Errorf("subnet %v: not an IPv4 prefix", subnet)
	}
	if subnet != subnet.Masked() {
		return nil, fmt.Errorf("subnet %v: host bits set (did you mean %v?)", subnet, subnet.Masked())
	}
	if subnet.Bits() > 30 || subnet.Bits() < 8 {
		return nil, fmt.Errorf("subnet %v: prefix length must be between /8 and /30", subnet)
	}
	if !rng.IsValid() {
		rng = subnet
	}
	if rng != rng.Masked() {
		return nil, fmt.Errorf("ip range %v: host bits set (did you mean %v?)", rng, rng.Masked())
	}
	if !rng.Addr().Is4() || rng.Bits() < subnet.Bits() || !subnet.Contains(rng.Addr()) {
		return nil, fmt.Errorf("ip range %v is not inside subnet %v", rng, subnet)
	}
	p := &Pool{subnet: subnet, rng: rng, gateway: gateway, owners: map[uint32]string{}}
	if gateway.IsValid() {
		if err := p.usable(gateway); err != nil {
			return nil, fmt.Errorf("gateway %v: %w", gateway, err)
		}
		p.set(p.offset(gateway))
	}
	return p, nil
}

func (p *Pool) Subnet() netip.Prefix       { return p.subnet }
func (p *Pool) Range() netip.Prefix        { return p.rng }
func (p *Pool) Gateway() netip.Addr        { return p.gateway }
func (p *Pool) size() uint32               { return 1 << (32 - p.subnet.Bits()) }
func (p *Pool) base() uint32               { return u32(p.subnet.Addr()) }
func (p *Pool) offset(a netip.Addr) uint32 { return u32(a) - p.base() }
func (p *Pool) addr(off uint32) netip.Addr { return fromU32(p.base() + off) }

// usable: a is an address of the subnet that may be given to a host.
func (p *Pool) usable(a netip.Addr) error {
	if !a.Is4() || !p.subnet.Contains(a) {
		return fmt.Errorf("not in subnet %v", p.subnet)
	}
	switch p.offset(a) {
	case 0:
		return fmt.Errorf("is the network address of %v", p.subnet)
	case p.size() - 1:
		return fmt.Errorf("is the broadcast address of %v", p.subnet)
	}
	return nil
}

func (p *Pool) isSet(off uint32) bool {
	w := off / 64
	return int(w) < len(p.words) && p.words[w]&(1<<(off%64)) != 0
}

func (p *Pool) set(off uint32) {
	w := int(off / 64)
	for len(p.words) <= w {
		p.words = append(p.words, 0)
	}
	p.words[w] |= 1 << (off % 64)
}

func (p *Pool) clear(off uint32) {
	if w := int(off / 64); w < len(p.words) {
		p.words[w] &^= 1 << (off % 64)
	}
	for len(p.words) > 0 && p.words[len(p.words)-1] == 0 {
		p.words = p.words[:len(p.words)-1]
	}
}

// Allocate hands out the next free address of the range after the one
// handed out last.
func (p *Pool) Allocate(owner string) (netip.Addr, error) {
	lo := p.offset(p.rng.Addr())
	n := uint32(1) << (32 - p.rng.Bits())
	start := p.last + 1 - lo
	if p.last < lo || p.last-lo >= n {
		start = 0
	}
	for i := uint32(0); i < n; i++ {
		off := lo + (start+i)%n
		if off == 0 || off == p.size()-1 || p.isSet(off) {
			continue
		}
		p.take(off, owner)
		return p.addr(off), nil
	}
	return netip.Addr{}, fmt.Errorf("%w in %v", ErrExhausted, p.rng)
}

// AllocateAddr reserves a fixed address (--ip).
func (p *Pool) AllocateAddr(a netip.Addr, owner string) error {
	if err := p.usable(a); err != nil {
		return fmt.Errorf("address %v %w", a, err)
	}
	off := p.offset(a)
	if a == p.gateway {
		return fmt.Errorf("address %v is the gateway of %v", a, p.subnet)
	}
	if p.isSet(off) {
		return fmt.Errorf("address %v is already in use by %s", a, p.owners[off])
	}
	p.take(off, owner)
	return nil
}

func (p *Pool) take(off uint32, owner string) {
	p.set(off)
	p.owners[off] = owner
	p.last = off
}

// Release frees a; it does nothing when a is free, the gateway or foreign.
func (p *Pool) Release(a netip.Addr) {
	if !a.Is4() || !p.subnet.Contains(a) || a == p.gateway {
		return
	}
	off := p.offset(a)
	delete(p.owners, off)
	p.clear(off)
}

// ReleaseOwner frees every address of owner and says how many.
func (p *Pool) ReleaseOwner(owner string) int {
	n := 0
	for off, o := range p.owners {
		if o == owner {
			p.Release(p.addr(off))
			n++
		}
	}
	return n
}

// Owner of a, "" when a is free.
func (p *Pool) Owner(a netip.Addr) string {
	if !a.Is4() || !p.subnet.Contains(a) {
		return ""
	}
	return p.owners[p.offset(a)]
}

// Owners maps every handed-out address to its owner.
func (p *Pool) Owners() map[netip.Addr]string {
	m := make(map[netip.Addr]string, len(p.owners))
	for off, o := range p.owners {
		m[p.addr(off)] = o
	}
	return m
}

// InUse counts the addresses handed out (not the gateway).
func (p *Pool) InUse() int { return len(p.owners) }

func (p *Pool) popcount() int {
	n := 0
	for _, w := range p.words {
		n += bits.OnesCount64(w)
	}
	return n
}

func u32(a netip.Addr) uint32 {
	b := a.As4()
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}

func fromU32(v uint32) netip.Addr {
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

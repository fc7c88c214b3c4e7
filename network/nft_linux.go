package network

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"

	"github.com/google/nftables"
	"github.com/google/nftables/binaryutil"
	"github.com/google/nftables/expr"
	"github.com/google/nftables/userdata"
	"golang.org/x/sys/unix"
)

// firewall is one netlink conversation with nf_tables: changes queue up
// and Flush sends them as one transaction.
type firewall struct {
	c     *nftables.Conn
	table *nftables.Table
}

func newFirewall() (*firewall, error) {
	c, err := nftables.New()
	if err != nil {
		return nil, fmt.Errorf("nftables: %w", err)
	}
	return &firewall{c: c, table: &nftables.Table{Family: nftables.TableFamilyIPv4, Name: tableName}}, nil
}

func (f *firewall) flush(what string) error {
	if err := f.c.Flush(); err != nil {
		return fmt.Errorf("nftables: %s: %w", what, err)
	}
	return nil
}

func (f *firewall) chain(name string) *nftables.Chain {
	return &nftables.Chain{Name: name, Table: f.table}
}

func (f *firewall) bridgesSet() *nftables.Set {
	return &nftables.Set{Table: f.table, Name: setBridges, KeyType: nftables.TypeIFName, KeyByteOrder: binaryutil.NativeEndian}
}

// bridgeInSet: the set of our bridges holds name (keys compared without
// their zero padding).
func (f *firewall) bridgeInSet(name string) bool {
	elems, err := f.c.GetSetElements(f.bridgesSet())
	if err != nil {
		return true // unknown: let the delete report what is wrong
	}
	for _, e := range elems {
		if string(bytes.TrimRight(e.Key, "\x00")) == name {
			return true
		}
	}
	return false
}

// ensureTable makes our table, its chains, the set of our bridges and
// the fixed rules, once (they stay until the last network goes).
func (f *firewall) ensureTable() error {
	if _, err := f.c.ListTableOfFamily(tableName, nftables.TableFamilyIPv4); err == nil {
		return nil
	}
	f.c.AddTable(f.table)
	accept := nftables.ChainPolicyAccept
	for _, ch := range []*nftables.Chain{
		{Name: chainPre, Type: nftables.ChainTypeNAT, Hooknum: nftables.ChainHookPrerouting, Priority: nftables.ChainPriorityNATDest},
		{Name: chainOutput, Type: nftables.ChainTypeNAT, Hooknum: nftables.ChainHookOutput, Priority: nftables.ChainPriorityNATDest},
		{Name: chainPost, Type: nftables.ChainTypeNAT, Hooknum: nftables.ChainHookPostrouting, Priority: nftables.ChainPriorityNATSource},
		{Name: chainFwd, Type: nftables.ChainTypeFilter, Hooknum: nftables.ChainHookForward, Priority: nftables.ChainPriorityFilter, Policy: &accept},
		{Name: chainPorts},
	} {
		ch.Table = f.table
		f.c.AddChain(ch)
	}
	if err := f.c.AddSet(f.bridgesSet(), nil); err != nil {
		return fmt.Errorf("nftables: set %s: %w", setBridges, err)
	}
	for _, r := range baseRules() {
		f.add(r)
	}
	return f.flush("create table " + tableName)
}

// add queues a rule at the end of its chain.
func (f *firewall) add(r rule) {
	f.c.AddRule(f.toNft(r))
}

// insert queues a rule at the head of its chain.
func (f *firewall) insert(r rule) {
	f.c.InsertRule(f.toNft(r))
}

func (f *firewall) toNft(r rule) *nftables.Rule {
	t := f.table
	if r.table != tableName {
		t = &nftables.Table{Family: nftables.TableFamilyIPv4, Name: r.table}
	}
	nr := &nftables.Rule{Table: t, Chain: &nftables.Chain{Name: r.chain, Table: t}, Exprs: exprs(r)}
	if r.tag != "" {
		nr.UserData = userdata.AppendString(nil, userdata.TypeComment, r.tag)
	}
	return nr
}

// deleteTagged queues the deletion of every rule of chain whose comment
// is tag; a missing table or chain has none.
func (f *firewall) deleteTagged(table, chain, tag string) error {
	t := f.table
	if table != tableName {
		t = &nftables.Table{Family: nftables.TableFamilyIPv4, Name: table}
	}
	rules, err := f.c.GetRules(t, &nftables.Chain{Name: chain, Table: t})
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, unix.ENOENT) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("nftables: list %s %s: %w", table, chain, err)
	}
	for _, r := range rules {
		if c, ok := userdata.GetString(r.UserData, userdata.TypeComment); ok && c == tag {
			if err := f.c.DelRule(r); err != nil {
				return fmt.Errorf("nftables: delete rule in %s %s: %w", table, chain, err)
			}
		}
	}
	return nil
}

// hasChain: table/chain exists in the ip family (iptables-nft's FORWARD).
func (f *firewall) hasChain(table, chain string) bool {
	ch, err := f.c.ListChain(&nftables.Table{Family: nftables.TableFamilyIPv4, Name: table}, chain)
	return err == nil && ch != nil
}

func ifnameData(name string, pad bool) []byte {
	if pad { // nft's form: IFNAMSIZ bytes
		b := make([]byte, unix.IFNAMSIZ)
		copy(b, name)
		return b
	}
	return append([]byte(name), 0) // iptables-nft's form, which it reads back as -i/-o
}

func nativeU32(v uint32) []byte {
	b := make([]byte, 4)
	binary.NativeEndian.PutUint32(b, v)
	return b
}

// exprs turns a rule into nf_tables expressions (register 1 for matches).
func exprs(r rule) []expr.Any {
	pad := r.table == tableName
	var e []expr.Any
	cmp := func(op expr.CmpOp, data []byte) { e = append(e, &expr.Cmp{Op: op, Register: 1, Data: data}) }
	meta := func(k expr.MetaKey) { e = append(e, &expr.Meta{Key: k, Register: 1}) }
	if r.iif != "" {
		meta(expr.MetaKeyIIFNAME)
		cmp(expr.CmpOpEq, ifnameData(r.iif, pad))
	}
	if r.notIif != "" {
		meta(expr.MetaKeyIIFNAME)
		cmp(expr.CmpOpNeq, ifnameData(r.notIif, pad))
	}
	if r.oif != "" {
		meta(expr.MetaKeyOIFNAME)
		cmp(expr.CmpOpEq, ifnameData(r.oif, pad))
	}
	if r.oifBridge {
		meta(expr.MetaKeyOIFNAME)
		e = append(e, &expr.Lookup{SourceRegister: 1, SetName: setBridges})
	}
	if r.notOif != "" {
		meta(expr.MetaKeyOIFNAME)
		cmp(expr.CmpOpNeq, ifnameData(r.notOif, pad))
	}
	if r.saddr.IsValid() {
		e = append(e, &expr.Payload{DestRegister: 1, Base: expr.PayloadBaseNetworkHeader, Offset: 12, Len: 4})
		if r.saddr.Bits() < 32 {
			mask := binary.BigEndian.AppendUint32(nil, ^uint32(0)<<(32-r.saddr.Bits()))
			e = append(e, &expr.Bitwise{SourceRegister: 1, DestRegister: 1, Len: 4, Mask: mask, Xor: make([]byte, 4)})
		}
		a := r.saddr.Masked().Addr().As4()
		cmp(expr.CmpOpEq, a[:])
	}
	if r.daddr.IsValid() && !r.daddr.IsUnspecified() {
		e = append(e, &expr.Payload{DestRegister: 1, Base: expr.PayloadBaseNetworkHeader, Offset: 16, Len: 4})
		a := r.daddr.As4()
		cmp(expr.CmpOpEq, a[:])
	}
	if r.localDst {
		e = append(e, &expr.Fib{Register: 1, FlagDADDR: true, ResultADDRTYPE: true})
		cmp(expr.CmpOpEq, nativeU32(unix.RTN_LOCAL))
	}
	if r.ctDNAT {
		e = append(e, &expr.Ct{Register: 1, Key: expr.CtKeySTATUS},
			&expr.Bitwise{SourceRegister: 1, DestRegister: 1, Len: 4, Mask: nativeU32(0x20 /* IPS_DST_NAT */), Xor: make([]byte, 4)})
		cmp(expr.CmpOpNeq, make([]byte, 4))
	}
	if r.proto != "" {
		p := byte(unix.IPPROTO_TCP)
		if r.proto == "udp" {
			p = unix.IPPROTO_UDP
		}
		meta(expr.MetaKeyL4PROTO)
		cmp(expr.CmpOpEq, []byte{p})
		e = append(e, &expr.Payload{DestRegister: 1, Base: expr.PayloadBaseTransportHeader, Offset: 2, Len: 2})
		cmp(expr.CmpOpEq, binary.BigEndian.AppendUint16(nil, r.dport))
	}
	switch r.verdict {
	case "accept":
		e = append(e, &expr.Verdict{Kind: expr.VerdictAccept})
	case "drop":
		e = append(e, &expr.Verdict{Kind: expr.VerdictDrop})
	case "jump":
		e = append(e, &expr.Verdict{Kind: expr.VerdictJump, Chain: r.jump})
	case "masquerade":
		e = append(e, &expr.Masq{})
	case "dnat":
		a := r.dnatTo.Addr().As4()
		e = append(e, &expr.Immediate{Register: 1, Data: a[:]},
			&expr.Immediate{Register: 2, Data: binary.BigEndian.AppendUint16(nil, r.dnatTo.Port())},
			&expr.NAT{Type: expr.NATTypeDestNAT, Family: unix.NFPROTO_IPV4, RegAddrMin: 1, RegProtoMin: 2, Specified: true})
	}
	return e
}

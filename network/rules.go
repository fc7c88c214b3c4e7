package network

import (
	"fmt"
	"net/netip"
	"strings"
)

// Our nftables table and its chains. The nat chains hook at Docker's
// priorities (dstnat -100, srcnat 100); forward filters at 0.
const (
	tableName   = "myrunc"
	chainPre    = "prerouting"
	chainOutput = "output"
	chainPost   = "postrouting"
	chainFwd    = "forward"
	chainPorts  = "ports" // DNAT of published ports, jumped to for local destinations
	setBridges  = "bridges"
	// iptables-nft's FORWARD chain: where dockerd's policy DROP lives
	iptFilterTable = "filter"
	iptForward     = "FORWARD"
	tagPrefixNet   = "myrunc net:"
	tagPrefixCtr   = "myrunc ctr:"
)

// rule is one nftables rule in a small vocabulary, built by pure code
// (and tested as text), turned into netlink expressions in nft_linux.go.
type rule struct {
	table, chain string
	iif, oif     string // interface name, "" for any
	notOif       string // oifname != X
	notIif       string // iifname != X
	oifBridge    bool   // oifname @bridges
	saddr        netip.Prefix
	daddr        netip.Addr
	localDst     bool // fib daddr type local
	ctDNAT       bool // ct status dnat
	proto        string
	dport        uint16
	verdict      string // accept, drop, masquerade, dnat, jump
	jump         string
	dnatTo       netip.AddrPort
	tag          string // rule userdata: whose rule it is
}

// String is the rule in nft's syntax (tests, errors).
func (r rule) String() string {
	var b []string
	add := func(f string, a ...any) { b = append(b, fmt.Sprintf(f, a...)) }
	if r.iif != "" {
		add("iifname %q", r.iif)
	}
	if r.notIif != "" {
		add("iifname != %q", r.notIif)
	}
	if r.oif != "" {
		add("oifname %q", r.oif)
	}
	if r.oifBridge {
		add("oifname @%s", setBridges)
	}
	if r.notOif != "" {
		add("oifname != %q", r.notOif)
	}
	if r.saddr.IsValid() {
		add("ip saddr %v", r.saddr)
	}
	if r.daddr.IsValid() {
		add("ip daddr %v", r.daddr)
	}
	if r.localDst {
		add("fib daddr type local")
	}
	if r.ctDNAT {
		add("ct status dnat")
	}
	if r.proto != "" {
		add("%s dport %d", r.proto, r.dport)
	}
	switch r.verdict {
	case "jump":
		add("jump %s", r.jump)
	case "dnat":
		add("dnat to %v", r.dnatTo)
	default:
		add("%s", r.verdict)
	}
	if r.tag != "" {
		add("comment %q", r.tag)
	}
	return strings.Join(b, " ")
}

// baseRules are the table's fixed rules: local destinations go through
// the ports chain, from outside (prerouting) and from the host (output).
func baseRules() []rule {
	return []rule{
		{table: tableName, chain: chainPre, localDst: true, verdict: "jump", jump: chainPorts},
		{table: tableName, chain: chainOutput, localDst: true, verdict: "jump", jump: chainPorts},
	}
}

// networkRules are one bridge network's rules in our table.
func networkRules(n *Network) []rule {
	tag := tagPrefixNet + n.Name
	br := n.Bridge
	rs := []rule{
		// isolation: nothing crosses from this bridge to another of ours
		{table: tableName, chain: chainFwd, iif: br, oifBridge: true, notOif: br, verdict: "drop", tag: tag},
		// hairpin: a container reaching a published port of its own bridge
		// must see the reply come from the address it called
		{table: tableName, chain: chainPost, oif: br, saddr: n.Subnet, ctDNAT: true, verdict: "masquerade", tag: tag},
		// the host's 127.0.0.1:PORT, DNATed here: route_localnet lets it out,
		// masquerade gives it an address the container can answer
		{table: tableName, chain: chainPost, oif: br, saddr: netip.MustParsePrefix("127.0.0.0/8"), verdict: "masquerade", tag: tag},
	}
	if n.Internal {
		return append(rs,
			rule{table: tableName, chain: chainFwd, iif: br, notOif: br, verdict: "drop", tag: tag},
			rule{table: tableName, chain: chainFwd, oif: br, notIif: br, verdict: "drop", tag: tag})
	}
	return append(rs, rule{table: tableName, chain: chainPost, saddr: n.Subnet, notOif: br, verdict: "masquerade", tag: tag})
}

// forwardAcceptRules go into iptables-nft's filter FORWARD chain when it
// exists: an accept in our own table cannot overrule another table's
// drop (dockerd's FORWARD policy DROP), so the accept must be there. They
// are plain iifname/oifname matches that iptables-nft reads back as
// `-i BR -j ACCEPT`, so dockerd's iptables keeps working on that table.
func forwardAcceptRules(n *Network) []rule {
	tag := tagPrefixNet + n.Name
	return []rule{
		{table: iptFilterTable, chain: iptForward, iif: n.Bridge, verdict: "accept", tag: tag},
		{table: iptFilterTable, chain: iptForward, oif: n.Bridge, verdict: "accept", tag: tag},
	}
}

// portRules DNAT a container's published ports.
func portRules(containerID string, ip netip.Addr, ports []PortMapping) []rule {
	var rs []rule
	for _, p := range ports {
		rs = append(rs, rule{table: tableName, chain: chainPorts, daddr: p.HostIP, proto: p.Proto, dport: p.HostPort,
			verdict: "dnat", dnatTo: netip.AddrPortFrom(ip, p.ContainerPort), tag: tagPrefixCtr + containerID})
	}
	return rs
}

package network

import (
	"bufio"
	"bytes"
	"fmt"
	"net/netip"
	"os"
	"strings"
)

// The per-container files are bind-mounted into the container, so they
// are rewritten in place (same inode, O_TRUNC then write): a rename would
// leave the container's mount on the old file.

// hostsHeader is what every /etc/hosts starts with (Docker's lines).
const hostsHeader = `127.0.0.1	localhost
::1	localhost ip6-localhost ip6-loopback
fe00::0	ip6-localnet
ff00::0	ip6-mcastprefix
ff02::1	ip6-allnodes
ff02::2	ip6-allrouters
`

// hostsLine is one name entry.
type hostsLine struct {
	IP    netip.Addr
	Names []string
}

// hostsFile renders /etc/hosts: the fixed header, --add-host entries, the
// container's own addresses, then its peers on user networks (so a name
// resolves to the peer on the first network they share).
func hostsFile(addHosts []HostEntry, self []hostsLine, peers []hostsLine) []byte {
	var b bytes.Buffer
	b.WriteString(hostsHeader)
	for _, h := range addHosts {
		fmt.Fprintf(&b, "%s\t%s\n", h.IP, h.Name)
	}
	for _, group := range [][]hostsLine{self, peers} {
		for _, l := range group {
			if l.IP.IsValid() && len(l.Names) > 0 {
				fmt.Fprintf(&b, "%s\t%s\n", l.IP, strings.Join(l.Names, " "))
			}
		}
	}
	return b.Bytes()
}

// defaultDNS is Docker's fallback when the host has only loopback resolvers.
var defaultDNS = []string{"8.8.8.8", "8.8.4.4"}

// resolvConf derives a container's resolv.conf from the host's: loopback
// resolvers (systemd-resolved, dnsmasq on 127.0.0.x) cannot be reached
// from another netns, and IPv6 ones not without IPv6, so both go; dns
// (--dns) replaces the nameservers. Search and options lines are kept.
func resolvConf(host []byte, dns []netip.Addr) []byte {
	var out bytes.Buffer
	var kept []string
	sc := bufio.NewScanner(bytes.NewReader(host))
	for sc.Scan() {
		line := sc.Text()
		f := strings.Fields(line)
		if len(f) > 0 && f[0] == "nameserver" {
			if len(f) > 1 {
				if a, err := netip.ParseAddr(f[1]); err == nil && a.Is4() && !a.IsLoopback() {
					kept = append(kept, a.String())
				}
			}
			continue
		}
		if len(f) > 0 && (f[0] == "search" || f[0] == "domain" || f[0] == "options") {
			out.WriteString(line + "\n")
		}
	}
	if len(dns) > 0 {
		kept = kept[:0]
		for _, a := range dns {
			kept = append(kept, a.String())
		}
	} else if len(kept) == 0 {
		kept = defaultDNS
	}
	var ns bytes.Buffer
	for _, a := range kept {
		ns.WriteString("nameserver " + a + "\n")
	}
	return append(ns.Bytes(), out.Bytes()...)
}

// writeInPlace replaces path's content keeping its inode (it is
// bind-mounted); it creates the file when missing.
func writeInPlace(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	// write first, then cut: a reader sees the new lines at once, and at
	// worst a stale tail for the moment between
	_, err = f.WriteAt(data, 0)
	if err == nil {
		err = f.Truncate(int64(len(data)))
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

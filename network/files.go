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
// bind-mounted); it creates the file when missing. New content shorter
// than the old is padded with a comment to the old length, so that one
// write replaces every byte: a reader never sees an old tail (a removed
// container's line) nor an empty file.
func writeInPlace(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	if st, err := f.Stat(); err == nil && st.Size() > int64(len(data)) {
		data = padded(data, int(st.Size()))
	}
	_, err = f.WriteAt(data, 0)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// padded is data followed by a comment line of spaces, size bytes in all
// (a blank line where not even "#\n" fits).
func padded(data []byte, size int) []byte {
	out := make([]byte, size)
	n := copy(out, data)
	rest := out[n:]
	for i := range rest {
		rest[i] = ' '
	}
	if len(rest) >= 2 {
		rest[0] = '#'
	}
	if len(rest) >= 1 {
		rest[len(rest)-1] = '\n'
	}
	return out
}

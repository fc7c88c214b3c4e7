package network

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"
)

func rulesText(rs []rule) string {
	var b []string
	for _, r := range rs {
		b = append(b, r.table+"/"+r.chain+": "+r.String())
	}
	return strings.Join(b, "\n")
}

func TestNetworkRules(t *testing.T) {
	n := &Network{Name: "web", Bridge: "mr-0123", Subnet: netip.MustParsePrefix("10.7.0.0/24")}
	want := `myrunc/forward: iifname "mr-0123" oifname @bridges oifname != "mr-0123" drop comment "myrunc net:web"
myrunc/postrouting: oifname "mr-0123" ip saddr 10.7.0.0/24 ct status dnat masquerade comment "myrunc net:web"
myrunc/postrouting: oifname "mr-0123" ip saddr 127.0.0.0/8 masquerade comment "myrunc net:web"
myrunc/postrouting: oifname != "mr-0123" ip saddr 10.7.0.0/24 masquerade comment "myrunc net:web"`
	if got := rulesText(networkRules(n)); got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
}

func TestInternalNetworkHasNoWayOut(t *testing.T) {
	n := &Network{Name: "db", Bridge: "mr-db", Subnet: netip.MustParsePrefix("10.8.0.0/24"), Internal: true}
	got := rulesText(networkRules(n))
	if strings.Contains(got, `oifname != "mr-db" ip saddr 10.8.0.0/24 masquerade`) {
		t.Fatalf("internal network masquerades out:\n%s", got)
	}
	for _, want := range []string{
		`myrunc/forward: iifname "mr-db" oifname != "mr-db" drop`,
		`myrunc/forward: iifname != "mr-db" oifname "mr-db" drop`,
	} {
		if !strings.Contains(got, want) {
			t.Fatalf("missing %q in\n%s", want, got)
		}
	}
}

func TestPortRules(t *testing.T) {
	ports := []PortMapping{
		{HostPort: 8080, ContainerPort: 80, Proto: "tcp"},
		{HostIP: netip.MustParseAddr("127.0.0.1"), HostPort: 5353, ContainerPort: 53, Proto: "udp"},
	}
	got := rulesText(portRules("c1", netip.MustParseAddr("10.7.0.2"), ports))
	want := `myrunc/ports: tcp dport 8080 dnat to 10.7.0.2:80 comment "myrunc ctr:c1"
myrunc/ports: ip daddr 127.0.0.1 udp dport 5353 dnat to 10.7.0.2:53 comment "myrunc ctr:c1"`
	if got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
}

func TestForwardAcceptRules(t *testing.T) {
	got := rulesText(forwardAcceptRules(&Network{Name: "web", Bridge: "mr-0123"}))
	want := `filter/FORWARD: iifname "mr-0123" accept comment "myrunc net:web"
filter/FORWARD: oifname "mr-0123" accept comment "myrunc net:web"`
	if got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
}

func TestExprsOfDNAT(t *testing.T) {
	r := portRules("c1", netip.MustParseAddr("10.7.0.2"), []PortMapping{{HostPort: 8080, ContainerPort: 80, Proto: "udp"}})[0]
	got := fmt.Sprintf("%T", exprs(r))
	e := exprs(r)
	want := []string{"*expr.Meta", "*expr.Cmp", "*expr.Payload", "*expr.Cmp", "*expr.Immediate", "*expr.Immediate", "*expr.NAT"}
	if len(e) != len(want) {
		t.Fatalf("%s: %d expressions, want %d", got, len(e), len(want))
	}
	for i, x := range e {
		if fmt.Sprintf("%T", x) != want[i] {
			t.Fatalf("expression %d is %T, want %s", i, x, want[i])
		}
	}
}

func TestIptablesFormOfInterfaceNames(t *testing.T) {
	// iptables-nft reads `-i BR` back only from the name and one NUL
	if got := ifnameData("mr-1", false); string(got) != "mr-1\x00" {
		t.Fatalf("iptables form %q", got)
	}
	if got := ifnameData("mr-1", true); len(got) != 16 {
		t.Fatalf("nft form is %d bytes", len(got))
	}
}

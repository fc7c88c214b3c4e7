package ipam

import (
	"errors"
	"net/netip"
	"strings"
	"testing"
)

func mustPool(t *testing.T, subnet, rng, gw string) *Pool {
	t.Helper()
	var r netip.Prefix
	if rng != "" {
		r = netip.MustParsePrefix(rng)
	}
	var g netip.Addr
	if gw != "" {
		g = netip.MustParseAddr(gw)
	}
	p, err := New(netip.MustParsePrefix(subnet), r, g)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestAllocateSkipsNetworkGatewayBroadcast(t *testing.T) {
	p := mustPool(t, "10.9.0.0/29", "", "10.9.0.1")
	var got []string
	for {
		a, err := p.Allocate("c")
		if errors.Is(err, ErrExhausted) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, a.String())
	}
	want := "10.9.0.2 10.9.0.3 10.9.0.4 10.9.0.5 10.9.0.6"
	if strings.Join(got, " ") != want {
		t.Fatalf("got %v, want %s", got, want)
	}
	if _, err := p.Allocate("d"); err == nil || !strings.Contains(err.Error(), "no free address in 10.9.0.0/29") {
		t.Fatalf("exhausted pool: %v", err)
	}
}

func TestReleasedAddressIsReusedLast(t *testing.T) {
	p := mustPool(t, "10.9.0.0/24", "", "10.9.0.1")
	a, _ := p.Allocate("a")
	b, _ := p.Allocate("b")
	p.Release(a)
	c, _ := p.Allocate("c")
	if c == a || c == b {
		t.Fatalf("freed %v was handed out again at once (got %v)", a, c)
	}
	if p.ReleaseOwner("b") != 1 || p.Owner(b) != "" || p.InUse() != 1 {
		t.Fatalf("ReleaseOwner: owners %v", p.Owners())
	}
}

func TestIPRange(t *testing.T) {
	p := mustPool(t, "10.9.0.0/16", "10.9.5.0/30", "10.9.0.1")
	var got []string
	for i := 0; i < 3; i++ {
		a, err := p.Allocate("x")
		if err != nil {
			t.Fatalf("allocation %d: %v", i, err)
		}
		got = append(got, a.String())
	}
	if strings.Join(got, " ") != "10.9.5.0 10.9.5.1 10.9.5.2" {
		t.Fatalf("got %v", got)
	}
	// fixed addresses may lie outside the range, inside the subnet
	if err := p.AllocateAddr(netip.MustParseAddr("10.9.200.7"), "y"); err != nil {
		t.Fatal(err)
	}
}

func TestFixedAddressErrors(t *testing.T) {
	p := mustPool(t, "10.9.0.0/24", "", "10.9.0.1")
	for addr, want := range map[string]string{
		"10.9.0.0":   "network address",
		"10.9.0.255": "broadcast address",
		"10.9.0.1":   "gateway",
		"10.8.0.5":   "not in subnet",
	} {
		err := p.AllocateAddr(netip.MustParseAddr(addr), "x")
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v, want %q", addr, err, want)
		}
	}
	a := netip.MustParseAddr("10.9.0.9")
	if err := p.AllocateAddr(a, "first"); err != nil {
		t.Fatal(err)
	}
	if err := p.AllocateAddr(a, "second"); err == nil || !strings.Contains(err.Error(), "in use by first") {
		t.Fatalf("taken address: %v", err)
	}
}

func TestNewRefusesBadInput(t *testing.T) {
	for _, c := range []struct{ subnet, rng, gw, want string }{
		{"10.9.0.1/24", "", "", "host bits set"},
		{"10.9.0.0/31", "", "", "between /8 and /30"},
		{"10.9.0.0/24", "10.8.0.0/25", "", "not inside subnet"},
		{"10.9.0.0/24", "10.9.0.0/16", "", "not inside subnet"},
		{"10.9.0.0/24", "", "10.9.1.1", "not in subnet"},
		{"10.9.0.0/24", "", "10.9.0.255", "broadcast"},
	} {
		var r netip.Prefix
		if c.rng != "" {
			r = netip.MustParsePrefix(c.rng)
		}
		var g netip.Addr
		if c.gw != "" {
			g = netip.MustParseAddr(c.gw)
		}
		_, err := New(netip.MustParsePrefix(c.subnet), r, g)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: got %v", c, err)
		}
	}
}

func TestEncodeDecodeRoundTrip(t *testing.T) {
	p := mustPool(t, "10.9.0.0/16", "10.9.128.0/17", "10.9.0.1")
	for i := 0; i < 70; i++ {
		if _, err := p.Allocate("c" + string(rune('a'+i%26))); err != nil {
			t.Fatal(err)
		}
	}
	p.AllocateAddr(netip.MustParseAddr("10.9.3.3"), "fixed")
	p.Release(netip.MustParseAddr("10.9.128.5"))
	q, err := Decode(p.Encode())
	if err != nil {
		t.Fatal(err)
	}
	if string(q.Encode()) != string(p.Encode()) {
		t.Fatalf("round trip changed the state:\n%s\n%s", p.Encode(), q.Encode())
	}
	a, _ := p.Allocate("n")
	b, _ := q.Allocate("n")
	if a != b {
		t.Fatalf("decoded pool allocates %v, original %v", b, a)
	}
	// a /8 with one address stays small on disk
	big := mustPool(t, "10.0.0.0/8", "", "10.0.0.1")
	big.Allocate("x")
	if n := len(big.Encode()); n > 200 {
		t.Fatalf("a /8 with one address encodes to %d bytes", n)
	}
}

func TestDecodeRefusesInconsistentState(t *testing.T) {
	for name, s := range map[string]string{
		"not json":          `{`,
		"bad subnet":        `{"subnet":"x","bitmap":""}`,
		"bit without owner": `{"subnet":"10.9.0.0/24","gateway":"10.9.0.1","bitmap":"BgAAAAAAAAA="}`,
		"owner without bit": `{"subnet":"10.9.0.0/24","gateway":"10.9.0.1","bitmap":"AgAAAAAAAAA=","owners":{"10.9.0.2":"a"}}`,
		"gateway bit clear": `{"subnet":"10.9.0.0/24","gateway":"10.9.0.1","bitmap":""}`,
		"network bit":       `{"subnet":"10.9.0.0/24","bitmap":"AQAAAAAAAAA="}`,
		"ragged bitmap":     `{"subnet":"10.9.0.0/24","bitmap":"AQ=="}`,
		"owner is gateway":  `{"subnet":"10.9.0.0/24","gateway":"10.9.0.1","bitmap":"AgAAAAAAAAA=","owners":{"10.9.0.1":"a"}}`,
		"last outside":      `{"subnet":"10.9.0.0/24","bitmap":"","last":4096}`,
	} {
		if _, err := Decode([]byte(s)); err == nil {
			t.Errorf("%s: decoded without error", name)
		}
	}
}

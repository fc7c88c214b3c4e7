package network

import (
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestResolvConfDropsLoopbackAndIPv6(t *testing.T) {
	host := "# generated\nnameserver 127.0.0.53\nnameserver 10.0.0.2\nnameserver ::1\nnameserver fd00::1\nsearch example.org\noptions edns0 trust-ad\n"
	got := string(resolvConf([]byte(host), nil))
	want := "nameserver 10.0.0.2\nsearch example.org\noptions edns0 trust-ad\n"
	if got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func TestResolvConfFallbackAndOverride(t *testing.T) {
	if got := string(resolvConf([]byte("nameserver 127.0.0.1\n"), nil)); got != "nameserver 8.8.8.8\nnameserver 8.8.4.4\n" {
		t.Fatalf("only loopback resolvers: got %q", got)
	}
	dns := []netip.Addr{netip.MustParseAddr("9.9.9.9")}
	if got := string(resolvConf([]byte("nameserver 10.0.0.2\nsearch a\n"), dns)); got != "nameserver 9.9.9.9\nsearch a\n" {
		t.Fatalf("--dns: got %q", got)
	}
}

func TestHostsFile(t *testing.T) {
	got := string(hostsFile(
		[]HostEntry{{Name: "db.local", IP: netip.MustParseAddr("192.0.2.7")}},
		[]hostsLine{{IP: netip.MustParseAddr("10.7.0.2"), Names: []string{"abc123"}}},
		[]hostsLine{{IP: netip.MustParseAddr("10.7.0.3"), Names: []string{"web", "www"}}, {Names: []string{"gone"}}},
	))
	if !strings.HasPrefix(got, "127.0.0.1\tlocalhost\n") {
		t.Fatalf("no localhost first:\n%s", got)
	}
	for _, want := range []string{"192.0.2.7\tdb.local\n", "10.7.0.2\tabc123\n", "10.7.0.3\tweb www\n"} {
		if !strings.Contains(got, want) {
			t.Fatalf("missing %q in\n%s", want, got)
		}
	}
	if strings.Contains(got, "gone") {
		t.Fatalf("an entry without address was written:\n%s", got)
	}
}

func TestWriteInPlaceKeepsInode(t *testing.T) {
	p := filepath.Join(t.TempDir(), "hosts")
	if err := writeInPlace(p, []byte("a long first version\n")); err != nil {
		t.Fatal(err)
	}
	var before, after syscall.Stat_t
	syscall.Stat(p, &before)
	if err := writeInPlace(p, []byte("short\n")); err != nil {
		t.Fatal(err)
	}
	syscall.Stat(p, &after)
	if before.Ino != after.Ino {
		t.Fatal("the file was replaced, not rewritten")
	}
	if b, _ := os.ReadFile(p); string(b) != "short\n" {
		t.Fatalf("content %q", b)
	}
}

package network

import (
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"myrunc/network/ipam"
)

// testNetwork stores a network record without touching the kernel.
func testNetwork(t *testing.T, root, name, subnet string) {
	t.Helper()
	s, err := Open(root)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	p := netip.MustParsePrefix(subnet)
	pool, err := ipam.New(p, netip.Prefix{}, p.Addr().Next())
	if err != nil {
		t.Fatal(err)
	}
	n := &Network{Name: name, ID: newID(), Driver: DriverBridge, Subnet: p, Gateway: p.Addr().Next(), Bridge: "mr-test", Created: time.Now()}
	if err := s.SaveNetwork(n, pool); err != nil {
		t.Fatal(err)
	}
}

// TestHelperAllocate is not a test: the concurrency test runs the test
// binary as several processes that allocate through the store.
func TestHelperAllocate(t *testing.T) {
	root := os.Getenv("MYRUNC_TEST_ALLOC_ROOT")
	if root == "" {
		t.Skip("helper process only")
	}
	n, _ := strconv.Atoi(os.Getenv("MYRUNC_TEST_ALLOC_N"))
	owner := os.Getenv("MYRUNC_TEST_ALLOC_OWNER")
	for i := 0; i < n; i++ {
		s, err := Open(root)
		if err != nil {
			t.Fatal(err)
		}
		ep := Endpoint{}
		err = s.allocate("net", fmt.Sprintf("%s-%d", owner, i), &ep)
		s.Close()
		if err != nil {
			t.Fatal(err)
		}
		fmt.Println("ADDR", ep.IP)
	}
}

func TestConcurrentAllocationFromProcesses(t *testing.T) {
	root := t.TempDir()
	testNetwork(t, root, "net", "10.50.0.0/24")
	const procs, each = 6, 20
	var wg sync.WaitGroup
	outs := make([]string, procs)
	errs := make([]error, procs)
	for p := 0; p < procs; p++ {
		wg.Add(1)
		go func(p int) {
			defer wg.Done()
			cmd := exec.Command(os.Args[0], "-test.run", "^TestHelperAllocate$", "-test.v")
			cmd.Env = append(os.Environ(), "MYRUNC_TEST_ALLOC_ROOT="+root, "MYRUNC_TEST_ALLOC_N="+strconv.Itoa(each),
				"MYRUNC_TEST_ALLOC_OWNER=p"+strconv.Itoa(p))
			b, err := cmd.CombinedOutput()
			outs[p], errs[p] = string(b), err
		}(p)
	}
	wg.Wait()
	seen := map[string]int{}
	for p, out := range outs {
		if errs[p] != nil {
			t.Fatalf("process %d: %v\n%s", p, errs[p], out)
		}
		for _, line := range strings.Split(out, "\n") {
			if a, ok := strings.CutPrefix(line, "ADDR "); ok {
				seen[a]++
			}
		}
	}
	if len(seen) != procs*each {
		t.Fatalf("%d distinct addresses for %d allocations", len(seen), procs*each)
	}
	for a, n := range seen {
		if n > 1 || a == "10.50.0.1" || a == "10.50.0.0" || a == "10.50.0.255" {
			t.Fatalf("address %s handed out %d times (or reserved)", a, n)
		}
	}
	s, _ := Open(root)
	defer s.Close()
	_, pool, err := s.LoadNetwork("net")
	if err != nil || pool.InUse() != procs*each {
		t.Fatalf("pool on disk: %v, %d in use", err, pool.InUse())
	}
}

func TestReclaimFreesAddressesOfGoneContainers(t *testing.T) {
	root := t.TempDir()
	testNetwork(t, root, "net", "10.51.0.0/24")
	bundle := t.TempDir()
	s, err := Open(root)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// "kept": its bundle still runs our hook; "gone": its bundle lost it;
	// "orphan": an address with no record at all
	hook := `{"hooks":{"createRuntime":[{"path":"/x","args":["myrunc","network","hook","attach","kept"]}]}}`
	os.WriteFile(filepath.Join(bundle, "config.json"), []byte(hook), 0o644)
	gone := t.TempDir()
	os.WriteFile(filepath.Join(gone, "config.json"), []byte(`{}`), 0o644)
	for _, c := range []*Container{{ID: "kept", Bundle: bundle}, {ID: "gone", Bundle: gone}} {
		ep := Endpoint{Network: "net", HostVeth: "mrv-none-" + c.ID}
		if err := s.allocate("net", c.ID, &ep); err != nil {
			t.Fatal(err)
		}
		c.Endpoints = []Endpoint{ep}
		c.Mode = DriverBridge
		if err := s.SaveContainer(c); err != nil {
			t.Fatal(err)
		}
	}
	orphan := Endpoint{}
	s.allocate("net", "orphan", &orphan)
	if n := s.reclaim(); n != 2 {
		t.Fatalf("reclaimed %d, want 2 (gone's record, orphan's address)", n)
	}
	_, pool, _ := s.LoadNetwork("net")
	owners := pool.Owners()
	if len(owners) != 1 {
		t.Fatalf("owners left: %v", owners)
	}
	for _, o := range owners {
		if o != "kept" {
			t.Fatalf("owners left: %v", owners)
		}
	}
	if _, err := s.LoadContainer("gone"); err == nil {
		t.Fatal("gone's record is still there")
	}
}

func TestParsePort(t *testing.T) {
	for in, want := range map[string]string{
		"8080:80":             "0.0.0.0:8080->80/tcp",
		"127.0.0.1:53:53/udp": "127.0.0.1:53->53/udp",
		"80":                  "0.0.0.0:0->80/tcp",
		"127.0.0.1::80":       "127.0.0.1:0->80/tcp",
	} {
		p, err := ParsePort(in)
		if err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		got := PortMapping{HostIP: p.HostIP, HostPort: p.HostPort, ContainerPort: p.ContainerPort, Proto: p.Proto}.String()
		if got != want {
			t.Errorf("%s: got %s, want %s", in, got, want)
		}
	}
	for _, bad := range []string{"", "80/sctp", "x:80", "1:2:3:4", "99999:80", "::1:80:80", "8080:0"} {
		if _, err := ParsePort(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

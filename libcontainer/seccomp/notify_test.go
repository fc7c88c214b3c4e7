package seccomp

import (
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

func notifyProfile() *specs.LinuxSeccomp {
	return &specs.LinuxSeccomp{
		DefaultAction: specs.ActAllow,
		ListenerPath:  "/run/agent.sock",
		Syscalls:      []specs.LinuxSyscall{{Names: []string{"mkdir", "mkdirat"}, Action: specs.ActNotify}},
	}
}

func TestCompileNotify(t *testing.T) {
	p, err := Compile(notifyProfile())
	if err != nil {
		t.Fatal(err)
	}
	if !p.Notify {
		t.Fatal("a profile with SCMP_ACT_NOTIFY rules must load with a new listener")
	}
}

// What the init needs to hand the listener over must not notify.
func TestCompileRefusesNotifyThatHangsTheInit(t *testing.T) {
	for name, change := range map[string]func(*specs.LinuxSeccomp){
		"linux.seccomp.defaultAction": func(s *specs.LinuxSeccomp) { s.DefaultAction = specs.ActNotify },
		"syscalls[1]: SCMP_ACT_NOTIFY cannot be used for write": func(s *specs.LinuxSeccomp) {
			s.Syscalls = append(s.Syscalls, specs.LinuxSyscall{Names: []string{"read", "write"}, Action: specs.ActNotify})
		},
		"syscalls[1]: SCMP_ACT_NOTIFY cannot be used for sendmsg": func(s *specs.LinuxSeccomp) {
			s.Syscalls = append(s.Syscalls, specs.LinuxSyscall{Names: []string{"sendmsg"}, Action: specs.ActNotify})
		},
		"SECCOMP_FILTER_FLAG_TSYNC": func(s *specs.LinuxSeccomp) {
			s.Flags = []specs.LinuxSeccompFlag{"SECCOMP_FILTER_FLAG_TSYNC"}
		},
	} {
		s := notifyProfile()
		change(s)
		if _, err := Compile(s); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: got %v", name, err)
		}
	}
	// write may still be errno'd or allowed next to notifications
	s := notifyProfile()
	s.Syscalls = append(s.Syscalls, specs.LinuxSyscall{Names: []string{"write"}, Action: specs.ActErrno})
	if _, err := Compile(s); err != nil {
		t.Fatal(err)
	}
}

func TestCacheKeyIgnoresTheListener(t *testing.T) {
	a, b := notifyProfile(), notifyProfile()
	b.ListenerPath, b.ListenerMetadata = "/elsewhere.sock", "pod-42"
	ka, _ := cacheKey(a)
	kb, _ := cacheKey(b)
	if ka != kb {
		t.Fatal("the listener's path and metadata do not change the program, but changed the key")
	}
	c := notifyProfile()
	c.Syscalls[0].Action = specs.ActErrno
	if kc, _ := cacheKey(c); kc == ka {
		t.Fatal("NOTIFY and ERRNO profiles share a key")
	}
	if a.ListenerPath != "/run/agent.sock" {
		t.Fatal("cacheKey changed its argument")
	}
}

func TestProcessState(t *testing.T) {
	s := notifyProfile()
	s.ListenerMetadata = "meta"
	st := ProcessState(s, 42, specs.State{Version: specs.Version, ID: "c1", Status: specs.StateCreating, Pid: 7, Bundle: "/b"})
	data, err := json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	json.Unmarshal(data, &got)
	want := `{"fds":["seccompFd"],"metadata":"meta","ociVersion":"` + specs.Version + `","pid":42,` +
		`"state":{"bundle":"/b","id":"c1","ociVersion":"` + specs.Version + `","pid":7,"status":"creating"}}`
	if norm, _ := json.Marshal(got); string(norm) != want {
		t.Fatalf("got  %s\nwant %s", norm, want)
	}
}

func TestSendListener(t *testing.T) {
	path := filepath.Join(t.TempDir(), "agent.sock")
	l, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	type got struct {
		state []byte
		fds   []int
		err   error
	}
	gotc := make(chan got, 1)
	go func() {
		c, err := l.AcceptUnix()
		if err != nil {
			gotc <- got{err: err}
			return
		}
		defer c.Close()
		buf, oob := make([]byte, 4096), make([]byte, unix.CmsgSpace(4*4))
		n, oobn, _, _, err := c.ReadMsgUnix(buf, oob)
		var fds []int
		if msgs, perr := unix.ParseSocketControlMessage(oob[:oobn]); perr == nil && len(msgs) == 1 {
			fds, _ = unix.ParseUnixRights(&msgs[0])
		}
		gotc <- got{buf[:n], fds, err}
	}()
	st := ProcessState(notifyProfile(), 1, specs.State{ID: "c1", Status: specs.StateRunning})
	if err := SendListener(path, st, w); err != nil {
		t.Fatal(err)
	}
	g := <-gotc
	if g.err != nil || len(g.fds) != 1 {
		t.Fatalf("agent got %q with fds %v: %v", g.state, g.fds, g.err)
	}
	f := os.NewFile(uintptr(g.fds[0]), "listener")
	defer f.Close()
	var ps specs.ContainerProcessState
	if err := json.Unmarshal(g.state, &ps); err != nil || ps.State.ID != "c1" || ps.Fds[0] != "seccompFd" {
		t.Fatalf("state %q: %v", g.state, err)
	}
	// the fd that arrived is the one sent
	f.Write([]byte("y"))
	b := make([]byte, 1)
	if _, err := r.Read(b); err != nil || b[0] != 'y' {
		t.Fatalf("read %q %v", b, err)
	}
}

func TestSendListenerUnreachable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nobody.sock")
	f, _ := os.Open(os.DevNull)
	defer f.Close()
	err := SendListener(path, ProcessState(notifyProfile(), 1, specs.State{}), f)
	if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "no such file") {
		t.Fatalf("got %v", err)
	}
	err = SendListener("/"+strings.Repeat("x", 200), ProcessState(notifyProfile(), 1, specs.State{}), f)
	if err == nil || !strings.Contains(err.Error(), "longer than") {
		t.Fatalf("got %v", err)
	}
}

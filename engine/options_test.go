package engine

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	specs "github.com/opencontainers/runtime-spec/specs-go"

	"myrunc/image"
)

func testImage() *image.Image {
	return &image.Image{Record: image.Record{ID: "sha256:abc"}, Config: &v1.ConfigFile{Config: v1.Config{
		Cmd: []string{"sh"}, Env: []string{"PATH=/bin", "A=image"}, Volumes: map[string]struct{}{"/data": {}},
		ExposedPorts: map[string]struct{}{"80/tcp": {}}, Labels: map[string]string{"from": "image"},
	}}}
}

func TestBuildRecordMapsFlags(t *testing.T) {
	os.Setenv("FROM_HOST", "host-value")
	ep := "/bin/echo"
	o := &Options{Image: "busybox", Args: []string{"hi"}, Entrypoint: &ep, Env: []string{"A=flag", "FROM_HOST", "UNSET_HERE"},
		Labels: []string{"k=v"}, Memory: "100m", CPUs: "1.5", CPUShares: 512, CpusetCpus: "1", PidsLimit: 50,
		Restart: "on-failure:3", Publish: []string{"8080:80", "127.0.0.1::53/udp"}, Volumes: []string{"/host:/ctr:ro", "named:/n"}}
	c, err := buildRecord(o, testImage(), newID())
	if err != nil {
		t.Fatal(err)
	}
	if c.Path != "/bin/echo" || !reflect.DeepEqual(c.Args, []string{"hi"}) {
		t.Errorf("command %q %q", c.Path, c.Args)
	}
	wantEnv := []string{"PATH=/bin", "A=flag", "FROM_HOST=host-value"}
	if !reflect.DeepEqual(c.Config.Env, wantEnv) {
		t.Errorf("env %q, want %q", c.Config.Env, wantEnv)
	}
	hc := c.HostConfig
	if hc.Memory != 100<<20 || hc.NanoCPUs != 1.5e9 || hc.CPUShares != 512 || hc.CpusetCpus != "1" || hc.PidsLimit != 50 {
		t.Errorf("resources %+v", hc)
	}
	if hc.RestartPolicy != (RestartPolicy{"on-failure", 3}) {
		t.Errorf("restart %+v", hc.RestartPolicy)
	}
	if got := hc.PortBindings["53/udp"]; len(got) != 1 || got[0] != (PortBinding{HostIP: "127.0.0.1"}) {
		t.Errorf("53/udp bindings %+v", got)
	}
	if _, ok := c.Config.ExposedPorts["53/udp"]; !ok {
		t.Errorf("published port not exposed: %v", c.Config.ExposedPorts)
	}
	if c.Config.Labels["k"] != "v" || c.Config.Labels["from"] != "image" {
		t.Errorf("labels %v", c.Config.Labels)
	}
	// -v /host:/ctr:ro, named:/n, and the image's VOLUME /data as an anonymous volume
	if len(c.Mounts) != 3 || c.Mounts[0].Type != "bind" || c.Mounts[0].RW || c.Mounts[1].Name != "named" ||
		!c.Mounts[2].Anonymous || c.Mounts[2].Destination != "/data" {
		t.Errorf("mounts %+v", c.Mounts)
	}
}

func TestBadFlagsAreUsageErrors(t *testing.T) {
	for _, o := range []Options{
		{Memory: "lots"}, {Memory: "1m"}, {MemorySwap: "1g"}, {Memory: "100m", MemorySwap: "50m"},
		{CPUs: "x"}, {CPUs: "0.001"}, {Restart: "sometimes"}, {Restart: "always:3"}, {Restart: "on-failure:-1"},
		{Rm: true, Restart: "always"}, {SecurityOpt: []string{"bogus"}}, {SecurityOpt: []string{"seccomp=/no/such"}},
		{Publish: []string{"80:80:80:80"}}, {Network: "none", Publish: []string{"80"}}, {AddHosts: []string{"x"}},
		{Volumes: []string{"a:b:c:d"}}, {Volumes: []string{"/a:/b:bogus"}}, {Volumes: []string{"/a:relative"}},
		{Mounts: []string{"type=bind,source=rel,target=/x"}}, {Mounts: []string{"type=nfs,target=/x"}},
		{Tmpfs: []string{"/t"}, Volumes: []string{"/t"}}, {Env: []string{"=x"}}, {Labels: []string{"=v"}},
	} {
		o.Image = "busybox"
		if _, err := buildRecord(&o, testImage(), newID()); err == nil {
			t.Errorf("%+v accepted", o)
		} else if _, ok := err.(*UsageError); !ok {
			t.Errorf("%+v: %v is not a usage error", o, err)
		}
	}
}

func TestMemorySwapDefaults(t *testing.T) {
	hc := HostConfig{Memory: 100 << 20}
	s := testSpec(t, &Container{HostConfig: hc})
	m := s.Linux.Resources.Memory
	if *m.Limit != 100<<20 {
		t.Fatalf("limit %d", *m.Limit)
	}
	if swapAccounting() && (m.Swap == nil || *m.Swap != 200<<20) {
		t.Errorf("swap %v, want twice the memory as Docker", m.Swap)
	}
	s = testSpec(t, &Container{HostConfig: HostConfig{NanoCPUs: 1.5e9, CPUShares: 512, CpusetCpus: "0-1", PidsLimit: 9}})
	cpu := s.Linux.Resources.CPU
	if *cpu.Quota != 150000 || *cpu.Period != 100000 || *cpu.Shares != 512 || cpu.Cpus != "0-1" || *s.Linux.Resources.Pids.Limit != 9 {
		t.Errorf("cpu %+v pids %+v", cpu, s.Linux.Resources.Pids)
	}
}

func testSpec(t *testing.T, c *Container) *specs.Spec {
	t.Helper()
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "etc"), 0o755)
	os.WriteFile(filepath.Join(root, "etc/passwd"), []byte("root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534::/nonexistent:/bin/false\n"), 0o644)
	os.WriteFile(filepath.Join(root, "etc/group"), []byte("root:x:0:\nnogroup:x:65534:\n"), 0o644)
	if c.ID == "" {
		c.ID = newID()
	}
	if c.Path == "" {
		c.Path = "sh"
	}
	s, err := specFor(c, root, "/usr/bin/myrunc")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSpecDefaultsAreDockers(t *testing.T) {
	s := testSpec(t, &Container{Config: Config{User: "nobody", Hostname: "h", Env: []string{"X=1"}, Tty: true}})
	if s.Process.User.UID != 65534 || s.Hostname != "h" || !s.Process.Terminal {
		t.Errorf("user %+v hostname %q terminal %v", s.Process.User, s.Hostname, s.Process.Terminal)
	}
	for _, e := range []string{"HOSTNAME=h", "TERM=xterm", "X=1", "HOME=/nonexistent", defaultPath} {
		if !slices.Contains(s.Process.Env, e) {
			t.Errorf("env %q lacks %s", s.Process.Env, e)
		}
	}
	caps := s.Process.Capabilities.Bounding
	if len(caps) != 14 || !slices.Contains(caps, "CAP_NET_RAW") || slices.Contains(caps, "CAP_SYS_ADMIN") {
		t.Errorf("capabilities %v", caps)
	}
	if !slices.Contains(s.Linux.MaskedPaths, "/proc/kcore") || !slices.Contains(s.Linux.ReadonlyPaths, "/proc/sys") {
		t.Errorf("masked %v readonly %v", s.Linux.MaskedPaths, s.Linux.ReadonlyPaths)
	}
	if s.Linux.Seccomp == nil || s.Linux.Seccomp.DefaultAction != "SCMP_ACT_ERRNO" || len(s.Linux.Seccomp.Syscalls) < 10 {
		t.Errorf("no default seccomp profile: %+v", s.Linux.Seccomp)
	}
	if s.Process.NoNewPrivileges || !strings.HasPrefix(s.Linux.CgroupsPath, "/myrunc/") {
		t.Errorf("nnp %v cgroups %s", s.Process.NoNewPrivileges, s.Linux.CgroupsPath)
	}
}

func TestSpecSecurityFlags(t *testing.T) {
	s := testSpec(t, &Container{HostConfig: HostConfig{Privileged: true}})
	if s.Linux.Seccomp != nil || len(s.Linux.MaskedPaths) != 0 || len(s.Process.Capabilities.Bounding) < 38 ||
		!s.Linux.Resources.Devices[0].Allow {
		t.Errorf("privileged: seccomp %v masked %v caps %d devices %+v", s.Linux.Seccomp != nil, s.Linux.MaskedPaths,
			len(s.Process.Capabilities.Bounding), s.Linux.Resources.Devices)
	}
	s = testSpec(t, &Container{HostConfig: HostConfig{CapAdd: []string{"sys_admin"}, CapDrop: []string{"NET_RAW", "CAP_CHOWN"},
		SecurityOpt: []string{"seccomp=unconfined", "no-new-privileges"}, ReadonlyRootfs: true}})
	caps := s.Process.Capabilities.Effective
	if !slices.Contains(caps, "CAP_SYS_ADMIN") || slices.Contains(caps, "CAP_NET_RAW") || slices.Contains(caps, "CAP_CHOWN") {
		t.Errorf("caps %v", caps)
	}
	if s.Linux.Seccomp != nil || !s.Process.NoNewPrivileges || !s.Root.Readonly {
		t.Errorf("seccomp %v nnp %v ro %v", s.Linux.Seccomp != nil, s.Process.NoNewPrivileges, s.Root.Readonly)
	}
	s = testSpec(t, &Container{HostConfig: HostConfig{CapDrop: []string{"ALL"}, CapAdd: []string{"KILL"}}})
	if !reflect.DeepEqual(s.Process.Capabilities.Bounding, []string{"CAP_KILL"}) {
		t.Errorf("drop ALL add KILL: %v", s.Process.Capabilities.Bounding)
	}
	if _, err := capabilities(HostConfig{CapAdd: []string{"NOPE"}}); err == nil {
		t.Error("unknown capability accepted")
	}
}

func TestSpecMountsAndInit(t *testing.T) {
	s := testSpec(t, &Container{HostConfig: HostConfig{Init: true}, Path: "sleep", Args: []string{"1"}, Mounts: []Mount{
		{Type: "bind", Source: "/h", Destination: "/c", RW: false},
		{Type: "volume", Source: "/v/_data", Destination: "/v", RW: true},
		{Type: "tmpfs", Destination: "/dev/shm", Options: []string{"size=1m"}},
	}})
	if !reflect.DeepEqual(s.Process.Args, []string{initPath, "--", "sleep", "1"}) {
		t.Errorf("args %q", s.Process.Args)
	}
	var found int
	for _, m := range s.Mounts {
		switch m.Destination {
		case "/c":
			found++
			if !slices.Contains(m.Options, "ro") || !slices.Contains(m.Options, "rbind") {
				t.Errorf("bind %+v", m)
			}
		case "/v":
			found++
		case "/dev/shm":
			found++
			if !reflect.DeepEqual(m.Options, []string{"size=1m"}) {
				t.Errorf("shm not replaced: %+v", m)
			}
		case initPath:
			found++
		}
	}
	if found != 4 {
		t.Errorf("mounts %+v", s.Mounts)
	}
}

func TestShouldRestart(t *testing.T) {
	for _, c := range []struct {
		p    RestartPolicy
		st   State
		code int
		want bool
	}{
		{RestartPolicy{Name: "no"}, State{}, 1, false},
		{RestartPolicy{Name: "always"}, State{}, 0, true},
		{RestartPolicy{Name: "always"}, State{ManuallyStopped: true}, 0, false},
		{RestartPolicy{Name: "unless-stopped"}, State{}, 0, true},
		{RestartPolicy{Name: "on-failure"}, State{}, 0, false},
		{RestartPolicy{Name: "on-failure"}, State{RestartCount: 100}, 1, true},
		{RestartPolicy{Name: "on-failure", MaximumRetryCount: 2}, State{RestartCount: 1}, 1, true},
		{RestartPolicy{Name: "on-failure", MaximumRetryCount: 2}, State{RestartCount: 2}, 1, false},
	} {
		if got := shouldRestart(c.p, c.st, c.code); got != c.want {
			t.Errorf("%+v %+v code %d: %v", c.p, c.st, c.code, got)
		}
	}
}

func TestStatusText(t *testing.T) {
	now := time.Date(2024, 1, 1, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		st   State
		want string
	}{
		{State{Status: StatusRunning, StartedAt: now.Add(-5 * time.Second)}, "Up 5 seconds"},
		{State{Status: StatusPaused, StartedAt: now.Add(-2 * time.Minute)}, "Up 2 minutes (Paused)"},
		{State{Status: StatusExited, ExitCode: 137, FinishedAt: now.Add(-3 * time.Hour)}, "Exited (137) 3 hours ago"},
		{State{Status: StatusCreated}, "Created"},
		{State{Status: StatusRestarting, ExitCode: 1, FinishedAt: now.Add(-time.Second)}, "Restarting (1) 1 second ago"},
	} {
		if got := StatusText(c.st, now); got != c.want {
			t.Errorf("%+v: %q, want %q", c.st, got, c.want)
		}
	}
	c := &Container{Path: "sh", Args: []string{"-c", "echo a long command line"}}
	if got := CommandText(c, true); got != `"sh -c echo a long c…"` {
		t.Errorf("command %s", got)
	}
}

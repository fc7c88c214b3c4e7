package builder

import (
	"io/fs"
	"slices"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
)

func TestParsePorts(t *testing.T) {
	for in, want := range map[string][]string{
		"80": {"80/tcp"}, "53/udp": {"53/udp"}, "8000-8002/TCP": {"8000/tcp", "8001/tcp", "8002/tcp"}, "1/sctp": {"1/sctp"},
	} {
		if got, err := parsePorts(in); err != nil || !slices.Equal(got, want) {
			t.Errorf("parsePorts(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "x", "80/icmp", "9-8", "70000"} {
		if _, err := parsePorts(bad); err == nil {
			t.Errorf("parsePorts(%q) accepted", bad)
		}
	}
}

func TestCheckSignal(t *testing.T) {
	for _, ok := range []string{"SIGTERM", "usr1", "9", "SIGRTMIN+3"} {
		if err := checkSignal(ok); err != nil {
			t.Errorf("checkSignal(%q): %v", ok, err)
		}
	}
	for _, bad := range []string{"0", "65", "SIG", "TERM!", ""} {
		if err := checkSignal(bad); err == nil {
			t.Errorf("checkSignal(%q) accepted", bad)
		}
	}
}

func TestParseChmod(t *testing.T) {
	for in, want := range map[string]fs.FileMode{"755": 0o755, "0640": 0o640, "4755": 0o755 | fs.ModeSetuid, "1777": 0o777 | fs.ModeSticky} {
		if got, err := parseChmod(in); err != nil || *got != want {
			t.Errorf("parseChmod(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if m, err := parseChmod(""); m != nil || err != nil {
		t.Errorf("parseChmod(\"\") = %v, %v", m, err)
	}
	for _, bad := range []string{"u+x", "888", "17777"} {
		if _, err := parseChmod(bad); err == nil || !strings.Contains(err.Error(), "octal") {
			t.Errorf("parseChmod(%q): %v", bad, err)
		}
	}
}

func TestPaths(t *testing.T) {
	for _, tc := range [][3]string{{"x", "/app", "/app/x"}, {"/abs/", "/app", "/abs"}, {".", "", "/"}, {"../y", "/a/b", "/a/y"}} {
		if got := destPath(tc[0], tc[1]); got != tc[2] {
			t.Errorf("destPath(%q, %q) = %q, want %q", tc[0], tc[1], got, tc[2])
		}
	}
	st := &stage{cfg: v1.Config{WorkingDir: "/a"}}
	ch := workdirChange(st, "b/../c")
	var cfg v1.Config
	ch.config(&cfg)
	if cfg.WorkingDir != "/a/c" || ch.createdBy != "/bin/sh -c #(nop)  WORKDIR /a/c" {
		t.Fatalf("WORKDIR: %q %q", cfg.WorkingDir, ch.createdBy)
	}
}

func TestExpansion(t *testing.T) {
	b := &builder{df: &dockerfile{lex: shell.NewLex('\\')}}
	st := &stage{cfg: v1.Config{Env: []string{"E=env", "BOTH=fromenv"}}}
	v1s, v2s := "arg", "fromarg"
	st.args.set("A", &v1s)
	st.args.set("BOTH", &v2s)
	ex := b.expander(st)
	for in, want := range map[string]string{"$A-${E}": "arg-env", "${BOTH}": "fromenv", "${NOPE:-dflt}": "dflt", `\$A`: "$A", "'$A'": "$A"} {
		if got, err := ex(in); err != nil || got != want {
			t.Errorf("expand(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

func TestHistoryLines(t *testing.T) {
	cfg := &v1.Config{}
	if got := nop(cfg, "ENV A=b"); got != "/bin/sh -c #(nop)  ENV A=b" {
		t.Errorf("nop: %q", got)
	}
	if got := nopCopy(&v1.Config{Shell: []string{"/bin/bash", "-c"}}, "COPY file:x in /y "); got != "/bin/bash -c #(nop) COPY file:x in /y " {
		t.Errorf("nopCopy: %q", got)
	}
	st := &stage{cfg: v1.Config{Cmd: []string{"old"}}}
	ch := commandChange(st, "CMD", shellCmd("echo hi"), func(c *v1.Config, v []string) { c.Cmd = v })
	ch.config(cfg)
	if !slices.Equal(cfg.Cmd, []string{"/bin/sh", "-c", "echo hi"}) || ch.createdBy != `/bin/sh -c #(nop)  CMD ["/bin/sh" "-c" "echo hi"]` {
		t.Errorf("CMD shell form: %q %q", cfg.Cmd, ch.createdBy)
	}
}

func shellCmd(s string) instructions.ShellDependantCmdLine {
	return instructions.ShellDependantCmdLine{CmdLine: []string{s}, PrependShell: true}
}

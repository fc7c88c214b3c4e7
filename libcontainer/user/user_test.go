package user

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

const passwdFile = `root:x:0:0:root:/root:/bin/sh
# a comment
user:x:1000:1000:user:/home/user:/bin/sh

broken:x:notanumber:1
short:x:5
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
nohome:x:7:7
`

const groupFile = `root:x:0:
user:x:1000:
extra:x:2000:user
wheel:x:10:root, user ,user
bad:x:-1:user
nogroup:x:65534:
`

func files(t *testing.T) Files {
	t.Helper()
	p, err := ParsePasswd(strings.NewReader(passwdFile))
	if err != nil {
		t.Fatal(err)
	}
	g, err := ParseGroup(strings.NewReader(groupFile))
	if err != nil {
		t.Fatal(err)
	}
	return Files{Passwd: p, Group: g}
}

func TestParsePasswd(t *testing.T) {
	got := files(t).Passwd
	want := []Passwd{
		{"root", 0, 0, "/root"}, {"user", 1000, 1000, "/home/user"},
		{"nobody", 65534, 65534, "/nonexistent"}, {"nohome", 7, 7, ""},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("ParsePasswd = %+v\nwant %+v", got, want)
	}
}

func TestParseGroup(t *testing.T) {
	got := files(t).Group
	want := []Group{
		{"root", 0, nil}, {"user", 1000, nil}, {"extra", 2000, []string{"user"}},
		{"wheel", 10, []string{"root", "user", "user"}}, {"nogroup", 65534, nil},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("ParseGroup = %+v\nwant %+v", got, want)
	}
}

func TestParseLongLine(t *testing.T) {
	long := "big:x:1:1:" + strings.Repeat("g", 2<<20) + ":/:/bin/sh\n"
	if _, err := ParsePasswd(strings.NewReader(long)); err == nil {
		t.Fatal("a 2 MiB line was accepted")
	}
}

func TestParseSpec(t *testing.T) {
	for in, want := range map[string]Spec{
		"user": {User: "user"}, "user:extra": {User: "user", Group: "extra", HasGroup: true},
		"1000:1000": {User: "1000", Group: "1000", HasGroup: true},
	} {
		got, err := ParseSpec(in)
		if err != nil || got != want {
			t.Errorf("ParseSpec(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", ":1000", "user:", "a:b:c"} {
		if _, err := ParseSpec(bad); err == nil {
			t.Errorf("ParseSpec(%q) accepted", bad)
		}
	}
}

func TestNumeric(t *testing.T) {
	for in, want := range map[string][3]any{
		"1000": {uint32(1000), uint32(0), true}, "1000:2000": {uint32(1000), uint32(2000), true},
		"user": {uint32(0), uint32(0), false}, "1000:extra": {uint32(1000), uint32(0), false},
		"4294967296": {uint32(0), uint32(0), false},
	} {
		s, _ := ParseSpec(in)
		uid, gid, ok := s.Numeric()
		if got := [3]any{uid, gid, ok}; got != want {
			t.Errorf("Numeric(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestResolve(t *testing.T) {
	f := files(t)
	for _, c := range []struct {
		spec string
		want Resolved
	}{
		{"user", Resolved{UID: 1000, GID: 1000, Groups: []uint32{2000, 10}, Home: "/home/user"}},
		{"root", Resolved{UID: 0, GID: 0, Groups: []uint32{10}, Home: "/root"}},
		{"nobody", Resolved{UID: 65534, GID: 65534, Home: "/nonexistent"}},
		// a group given: no member groups
		{"user:root", Resolved{UID: 1000, GID: 0, Home: "/home/user"}},
		{"user:55", Resolved{UID: 1000, GID: 55, Home: "/home/user"}},
		{"1000:extra", Resolved{UID: 1000, GID: 2000}},
		{"4321:nogroup", Resolved{UID: 4321, GID: 65534}},
	} {
		s, err := ParseSpec(c.spec)
		if err != nil {
			t.Fatal(err)
		}
		got, err := Resolve(s, f)
		if err != nil {
			t.Errorf("Resolve(%q): %v", c.spec, err)
			continue
		}
		if !reflect.DeepEqual(*got, c.want) {
			t.Errorf("Resolve(%q) = %+v, want %+v", c.spec, *got, c.want)
		}
	}
}

func TestResolveErrors(t *testing.T) {
	f := files(t)
	unreadable := errors.New("open /etc/passwd: no such file or directory")
	for _, c := range []struct {
		spec  string
		files Files
		want  string
	}{
		{"bob", f, "no such user bob in the container's /etc/passwd"},
		{"broken", f, "no such user broken in the container's /etc/passwd"},
		{"user:nosuch", f, "no such group nosuch in the container's /etc/group"},
		{"user", Files{PasswdErr: unreadable}, "no such user user: cannot read the container's /etc/passwd: open /etc/passwd"},
		{"1000:extra", Files{GroupErr: unreadable}, "no such group extra: cannot read the container's /etc/group"},
	} {
		s, _ := ParseSpec(c.spec)
		_, err := Resolve(s, c.files)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Resolve(%q) error = %v, want %q", c.spec, err, c.want)
		}
	}
	// an unreadable /etc/group only loses the member groups
	s, _ := ParseSpec("user")
	r, err := Resolve(s, Files{Passwd: f.Passwd, GroupErr: unreadable})
	if err != nil || r.Groups != nil || r.UID != 1000 {
		t.Errorf("Resolve without /etc/group = %+v, %v", r, err)
	}
}

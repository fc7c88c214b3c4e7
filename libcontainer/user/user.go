// Package user reads passwd and group files and resolves what
// `exec --user NAME[:GROUP]` means in them. It is pure: the caller opens
// the files (the init does, from inside the container).
package user

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Passwd is one line of /etc/passwd.
type Passwd struct {
	Name     string
	UID, GID uint32
	Home     string
}

// Group is one line of /etc/group.
type Group struct {
	Name    string
	GID     uint32
	Members []string
}

// ParsePasswd reads name:password:uid:gid:gecos:home:shell lines. Lines
// that are blank, comments, or malformed are skipped, as libc skips them.
func ParsePasswd(r io.Reader) ([]Passwd, error) {
	var out []Passwd
	err := eachLine(r, func(f []string) {
		if len(f) < 4 || f[0] == "" {
			return
		}
		uid, err1 := parseID(f[2])
		gid, err2 := parseID(f[3])
		if err1 != nil || err2 != nil {
			return
		}
		p := Passwd{Name: f[0], UID: uid, GID: gid}
		if len(f) >= 6 {
			p.Home = f[5]
		}
		out = append(out, p)
	})
	return out, err
}

// ParseGroup reads name:password:gid:member,member lines, skipping
// malformed ones.
func ParseGroup(r io.Reader) ([]Group, error) {
	var out []Group
	err := eachLine(r, func(f []string) {
		if len(f) < 3 || f[0] == "" {
			return
		}
		gid, err := parseID(f[2])
		if err != nil {
			return
		}
		g := Group{Name: f[0], GID: gid}
		if len(f) >= 4 {
			for _, m := range strings.Split(f[3], ",") {
				if m = strings.TrimSpace(m); m != "" {
					g.Members = append(g.Members, m)
				}
			}
		}
		out = append(out, g)
	})
	return out, err
}

func eachLine(r io.Reader, fn func(fields []string)) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fn(strings.Split(line, ":"))
	}
	return sc.Err()
}

func parseID(s string) (uint32, error) {
	n, err := strconv.ParseUint(s, 10, 32)
	return uint32(n), err
}

// Spec is a parsed --user value: each part a number or a name.
type Spec struct {
	User, Group string
	HasGroup    bool
}

// ParseSpec splits USER[:GROUP]; both parts must be non-empty.
func ParseSpec(s string) (Spec, error) {
	u, g, hasGroup := strings.Cut(s, ":")
	switch {
	case u == "":
		return Spec{}, fmt.Errorf("--user %q: the user is empty (expects user[:group])", s)
	case hasGroup && g == "":
		return Spec{}, fmt.Errorf("--user %q: the group is empty (expects user[:group])", s)
	case strings.Contains(g, ":"):
		return Spec{}, fmt.Errorf("--user %q: expects user[:group]", s)
	}
	return Spec{User: u, Group: g, HasGroup: hasGroup}, nil
}

// Numeric says whether the spec names no one: uid or uid:gid, numbers,
// which need no files.
func (s Spec) Numeric() (uid, gid uint32, ok bool) {
	uid, err := parseID(s.User)
	if err != nil {
		return 0, 0, false
	}
	if !s.HasGroup {
		return uid, 0, true
	}
	gid, err = parseID(s.Group)
	return uid, gid, err == nil
}

// Resolved is who a spec names.
type Resolved struct {
	UID, GID uint32
	// Groups are the user's supplementary groups from /etc/group; only
	// when the user was named and no group was given, as runc and Docker do.
	Groups []uint32
	// Home is the user's home from /etc/passwd, "" if not named there.
	Home string
}

// Files gives the parsed files; a file that cannot be read is an error
// only when a name must be found in it.
type Files struct {
	Passwd    []Passwd
	PasswdErr error
	Group     []Group
	GroupErr  error
}

// Resolve finds s in f. A numeric part is taken as it is, a name must be
// in the file.
func Resolve(s Spec, f Files) (*Resolved, error) {
	r := &Resolved{}
	var named *Passwd
	if uid, err := parseID(s.User); err == nil {
		r.UID = uid
	} else {
		if f.PasswdErr != nil {
			return nil, fmt.Errorf("no such user %s: cannot read the container's /etc/passwd: %w", s.User, f.PasswdErr)
		}
		for i := range f.Passwd {
			if f.Passwd[i].Name == s.User {
				named = &f.Passwd[i]
				break
			}
		}
		if named == nil {
			return nil, fmt.Errorf("no such user %s in the container's /etc/passwd", s.User)
		}
		r.UID, r.GID, r.Home = named.UID, named.GID, named.Home
	}
	if s.HasGroup {
		gid, err := resolveGroup(s.Group, f)
		if err != nil {
			return nil, err
		}
		r.GID = gid
		return r, nil
	}
	if named != nil && f.GroupErr == nil {
		r.Groups = memberOf(named.Name, f.Group)
	}
	return r, nil
}

func resolveGroup(name string, f Files) (uint32, error) {
	if gid, err := parseID(name); err == nil {
		return gid, nil
	}
	if f.GroupErr != nil {
		return 0, fmt.Errorf("no such group %s: cannot read the container's /etc/group: %w", name, f.GroupErr)
	}
	for _, g := range f.Group {
		if g.Name == name {
			return g.GID, nil
		}
	}
	return 0, fmt.Errorf("no such group %s in the container's /etc/group", name)
}

// memberOf lists the gids of the groups that name user as a member, once each.
func memberOf(user string, groups []Group) []uint32 {
	var out []uint32
	seen := map[uint32]bool{}
	for _, g := range groups {
		for _, m := range g.Members {
			if m == user && !seen[g.GID] {
				seen[g.GID] = true
				out = append(out, g.GID)
			}
		}
	}
	return out
}

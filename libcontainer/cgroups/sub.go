package cgroups

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// ParseSub reads `exec --cgroup` values: "PATH" (every controller) or
// "CONTROLLER[,CONTROLLER...]:PATH", PATH relative to the container's
// cgroup. The result maps a controller ("" for the rest) to its PATH.
func ParseSub(values []string) (map[string]string, error) {
	subs := map[string]string{}
	for _, v := range values {
		ctrls, p, found := strings.Cut(v, ":")
		if !found {
			ctrls, p = "", v
		}
		p = strings.TrimPrefix(filepath.Clean("/"+p), "/")
		if p == "" || strings.Contains(v, "..") {
			return nil, fmt.Errorf("--cgroup %q: give a path inside the container's cgroup, e.g. sub or memory:sub", v)
		}
		for _, c := range strings.Split(ctrls, ",") {
			if _, dup := subs[c]; dup {
				return nil, fmt.Errorf("--cgroup %q: a second path for %q", v, c)
			}
			subs[c] = p
		}
	}
	return subs, nil
}

// ApplySub puts pid into existing sub-cgroups of m's cgroup (ParseSub),
// the container's own cgroup where subs names none.
func ApplySub(m Manager, pid int, subs map[string]string) error {
	if len(subs) == 0 {
		return m.Apply(pid)
	}
	dirs := m.Dirs()
	unified := len(dirs) == 1 && dirs[0].Name == ""
	for c := range subs {
		if c == "" {
			continue
		}
		if unified {
			return fmt.Errorf("--cgroup %s:%s: cgroup v2 has one hierarchy: give the path alone", c, subs[c])
		}
		if !slices.ContainsFunc(dirs, func(d Dir) bool { return d.Name == c || slices.Contains(d.Links, c) }) {
			return fmt.Errorf("--cgroup %s:%s: no cgroup v1 controller %q is mounted", c, subs[c], c)
		}
	}
	for _, d := range dirs {
		sub, ok := subFor(d, subs)
		target := filepath.Join(d.HostPath, sub)
		if _, err := os.Stat(target); err != nil {
			if ok && d.Name == "unified" && errors.Is(err, os.ErrNotExist) && subs[""] == sub {
				target = d.HostPath // a hybrid host's cgroup2 side need not have it
			} else {
				return fmt.Errorf("--cgroup: the sub-cgroup %s does not exist in the container's cgroup: %w", sub, err)
			}
		}
		err := os.WriteFile(filepath.Join(target, "cgroup.procs"), []byte(strconv.Itoa(pid)), 0)
		if err != nil {
			return fmt.Errorf("join cgroup %s: %w", target, err)
		}
	}
	return nil
}

// subFor is the sub-path for hierarchy d: its controller's (or a
// co-mounted one's), else the one for every controller, else none.
func subFor(d Dir, subs map[string]string) (string, bool) {
	for _, name := range append([]string{d.Name}, d.Links...) {
		if s, ok := subs[name]; ok {
			return s, true
		}
	}
	s, ok := subs[""]
	return s, ok
}

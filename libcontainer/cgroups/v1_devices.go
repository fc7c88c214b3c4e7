package cgroups

import (
	"cmp"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"myrunc/internal/rawfile"
)

// The v1 devices controller keeps a default (allow or deny everything)
// and a list of exceptions, each an exact type:major:minor with access
// bits. Writing "a" resets the list; any other write adds or removes
// bits of the one exception with exactly that type, major and minor.
// Replaying a container's rules as written at create ("a" deny first)
// would deny every device for a moment: devTransition works out the few
// writes that take the kernel's current state to the target instead.

// devKey is an exception's device: type 'c' or 'b', -1 for "*".
type devKey struct {
	typ          byte
	major, minor int64
}

// devState is a devices cgroup as the kernel keeps it.
type devState struct {
	allowAll   bool              // the default; the exceptions deny
	exceptions map[devKey]string // access, a subset of "rwm" in that order
	// order: the exceptions' keys as they were first made, which is the
	// order devices.list shows them in (tools read it in the rules' order)
	order []devKey
}

// add records access for k, keeping k's place in the order.
func (s *devState) add(k devKey, access string) {
	if _, ok := s.exceptions[k]; !ok {
		s.order = append(s.order, k)
	}
	s.exceptions[k] = mergeAccess(s.exceptions[k], access)
}

// keys is the exceptions' keys in the order they were made.
func (s *devState) keys() []devKey {
	keys := make([]devKey, 0, len(s.exceptions))
	seen := map[devKey]bool{}
	for _, k := range s.order {
		if _, ok := s.exceptions[k]; ok && !seen[k] {
			keys = append(keys, k)
			seen[k] = true
		}
	}
	for _, k := range sortedKeys(s.exceptions) {
		if !seen[k] {
			keys = append(keys, k)
		}
	}
	return keys
}

// devWrite is one line for devices.allow (allow) or devices.deny.
type devWrite struct {
	allow bool
	line  string
}

// parseDevicesList reads devices.list. The kernel shows only "a *:* rwm"
// when the default is allow, whatever deny exceptions it has.
func parseDevicesList(text string) (devState, error) {
	s := devState{exceptions: map[devKey]string{}}
	for _, line := range strings.Split(strings.TrimSpace(text), "\n") {
		if line == "" {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 3 {
			return s, fmt.Errorf("devices.list: bad line %q", line)
		}
		if f[0] == "a" {
			s.allowAll = true
			clear(s.exceptions)
			s.order = nil
			continue
		}
		k, err := parseDevKey(f[0], f[1])
		if err != nil {
			return s, fmt.Errorf("devices.list: bad line %q: %w", line, err)
		}
		s.add(k, f[2])
	}
	return s, nil
}

func parseDevKey(typ, majMin string) (devKey, error) {
	maj, min, ok := strings.Cut(majMin, ":")
	if len(typ) != 1 || !ok {
		return devKey{}, fmt.Errorf("not TYPE MAJOR:MINOR")
	}
	k := devKey{typ: typ[0]}
	var err error
	if k.major, err = devNumber(maj); err != nil {
		return k, err
	}
	k.minor, err = devNumber(min)
	return k, err
}

func devNumber(s string) (int64, error) {
	if s == "*" {
		return -1, nil
	}
	return strconv.ParseInt(s, 10, 64)
}

// apply is what the kernel does with one rule.
func (s *devState) apply(r specs.LinuxDeviceCgroup) {
	if r.Type == "" || r.Type == "a" {
		s.allowAll = r.Allow
		clear(s.exceptions)
		s.order = nil
		return
	}
	k := devKey{typ: r.Type[0], major: -1, minor: -1}
	if r.Major != nil {
		k.major = *r.Major
	}
	if r.Minor != nil {
		k.minor = *r.Minor
	}
	// an exception says the opposite of the default
	if r.Allow == s.allowAll {
		s.exceptions[k] = removeAccess(s.exceptions[k], r.Access)
		if s.exceptions[k] == "" {
			delete(s.exceptions, k)
			s.order = slices.DeleteFunc(s.order, func(o devKey) bool { return o == k })
		}
	} else {
		s.add(k, r.Access)
	}
}

// emulate is the state rules leave, starting from start.
func emulate(start devState, rules []specs.LinuxDeviceCgroup) devState {
	s := devState{allowAll: start.allowAll, exceptions: map[devKey]string{}, order: slices.Clone(start.order)}
	maps.Copy(s.exceptions, start.exceptions)
	for _, r := range rules {
		s.apply(r)
	}
	return s
}

// devTransition is the writes that take cur to want, in an order in
// which no device allowed before and after is denied on the way: lines
// that allow go first. With an allow default the kernel hides its deny
// exceptions, so reaching one with denials means a reset ("a" allowed),
// then want's denials. A reset cannot be done without a moment when
// every device is denied (from allow to deny; and the kernel drops the
// allow exceptions before it turns the default to allow): reset is then
// true, and the caller freezes the cgroup around the writes.
func devTransition(cur, want devState) (writes []devWrite, reset bool) {
	if want.allowAll {
		if cur.allowAll && len(want.exceptions) == 0 {
			return nil, false
		}
		writes = append(writes, devWrite{allow: true, line: "a *:* rwm"})
		for _, k := range want.keys() {
			writes = append(writes, devWrite{allow: false, line: k.line(want.exceptions[k])})
		}
		return writes, true
	}
	have := cur.exceptions
	if cur.allowAll {
		writes = append(writes, devWrite{allow: false, line: "a *:* rwm"})
		have, reset = nil, true
	}
	var allows, denies []devWrite
	for _, k := range want.keys() {
		if add := removeAccess(want.exceptions[k], have[k]); add != "" {
			allows = append(allows, devWrite{allow: true, line: k.line(add)})
		}
	}
	for _, k := range sortedKeys(have) {
		if drop := removeAccess(have[k], want.exceptions[k]); drop != "" {
			denies = append(denies, devWrite{allow: false, line: k.line(drop)})
		}
	}
	return append(append(writes, allows...), denies...), reset
}

func (k devKey) line(access string) string {
	num := func(n int64) string {
		if n < 0 {
			return "*"
		}
		return strconv.FormatInt(n, 10)
	}
	return fmt.Sprintf("%c %s:%s %s", k.typ, num(k.major), num(k.minor), access)
}

func sortedKeys(m map[devKey]string) []devKey {
	keys := make([]devKey, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b devKey) int {
		if a.typ != b.typ {
			return int(a.typ) - int(b.typ)
		}
		if a.major != b.major {
			return cmp.Compare(a.major, b.major)
		}
		return cmp.Compare(a.minor, b.minor)
	})
	return keys
}

// mergeAccess is a's and b's bits, in "rwm" order.
func mergeAccess(a, b string) string {
	var out []byte
	for _, c := range []byte("rwm") {
		if strings.IndexByte(a, c) >= 0 || strings.IndexByte(b, c) >= 0 {
			out = append(out, c)
		}
	}
	return string(out)
}

// removeAccess is a's bits that b lacks.
func removeAccess(a, b string) string {
	var out []byte
	for _, c := range []byte("rwm") {
		if strings.IndexByte(a, c) >= 0 && strings.IndexByte(b, c) < 0 {
			out = append(out, c)
		}
	}
	return string(out)
}

// setDevices takes the cgroup's device rules to what rules give in a
// cgroup made fresh under the same parent, writing only the difference
// from what the kernel has now. When the default must be reset, the
// container is frozen for the writes (unless it already is), so that
// none of its processes sees the moment when every device is denied.
func (m *v1) setDevices(rules []specs.LinuxDeviceCgroup) error {
	dir := m.dir("devices")
	if _, err := os.Stat(dir); err != nil {
		return nil // no devices hierarchy
	}
	cur, err := readDevicesList(dir)
	if err != nil {
		return err
	}
	parent, err := readDevicesList(filepath.Dir(filepath.Clean(dir)))
	if err != nil {
		return err
	}
	want := emulate(parent, rules)
	writes, reset := devTransition(cur, want)
	if len(writes) == 0 {
		return nil
	}
	if reset && !Frozen(m.path) && hasProcesses(dir) {
		if err := m.Freeze(true); err != nil {
			return err
		}
		defer m.Freeze(false)
	}
	files := rawfile.Writers{}
	defer files.Close()
	for _, w := range writes {
		file := "devices.deny"
		if w.allow {
			file = "devices.allow"
		}
		if err := files.Write(filepath.Join(dir, file), []byte(w.line)); err != nil {
			return fmt.Errorf("set device rule %q: %w", w.line, err)
		}
	}
	return nil
}

func readDevicesList(dir string) (devState, error) {
	data, err := rawfile.ReadFile(filepath.Join(dir, "devices.list"))
	if err != nil {
		return devState{}, err
	}
	return parseDevicesList(string(data))
}

func hasProcesses(dir string) bool {
	data, err := os.ReadFile(filepath.Join(dir, "cgroup.procs"))
	return err != nil || len(strings.TrimSpace(string(data))) > 0
}

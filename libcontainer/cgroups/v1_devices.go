package cgroups

import (
	"cmp"
	"fmt"
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

// devException is one exception: a device and its access, a subset of
// "rwm" in that order.
type devException struct {
	key    devKey
	access string
}

// devState is a devices cgroup as the kernel keeps it.
type devState struct {
	allowAll bool // the default; the exceptions deny
	// exceptions, one a device, in the order they were first made: the
	// order devices.list shows them in (tools read it in the rules' order).
	// A container has tens of them, so a lookup is a scan.
	exceptions []devException
}

func (s *devState) index(k devKey) int {
	return slices.IndexFunc(s.exceptions, func(e devException) bool { return e.key == k })
}

// access is k's exception's access, "" when k has none.
func (s *devState) access(k devKey) string {
	if i := s.index(k); i >= 0 {
		return s.exceptions[i].access
	}
	return ""
}

// add records access for k, keeping k's place in the order.
func (s *devState) add(k devKey, access string) {
	if i := s.index(k); i >= 0 {
		s.exceptions[i].access = mergeAccess(s.exceptions[i].access, access)
		return
	}
	s.exceptions = append(s.exceptions, devException{key: k, access: mergeAccess("", access)})
}

// remove takes access from k's exception; one left with none goes.
func (s *devState) remove(k devKey, access string) {
	i := s.index(k)
	if i < 0 {
		return
	}
	if s.exceptions[i].access = removeAccess(s.exceptions[i].access, access); s.exceptions[i].access == "" {
		s.exceptions = slices.Delete(s.exceptions, i, i+1)
	}
}

// devWrite is one line for devices.allow (allow) or devices.deny.
type devWrite struct {
	allow bool
	line  string
}

// parseDevicesList reads devices.list. The kernel shows only "a *:* rwm"
// when the default is allow, whatever deny exceptions it has.
func parseDevicesList(text string) (devState, error) {
	var s devState
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
			s.exceptions = nil
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
		s.exceptions = nil
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
		s.remove(k, r.Access)
	} else {
		s.add(k, r.Access)
	}
}

// emulate is the state rules leave, starting from start.
func emulate(start devState, rules []specs.LinuxDeviceCgroup) devState {
	s := devState{allowAll: start.allowAll, exceptions: slices.Clone(start.exceptions)}
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
		for _, e := range want.exceptions {
			writes = append(writes, devWrite{allow: false, line: e.key.line(e.access)})
		}
		return writes, true
	}
	have := cur
	if cur.allowAll {
		writes = append(writes, devWrite{allow: false, line: "a *:* rwm"})
		have, reset = devState{}, true
	}
	var allows, denies []devWrite
	for _, e := range want.exceptions {
		if add := removeAccess(e.access, have.access(e.key)); add != "" {
			allows = append(allows, devWrite{allow: true, line: e.key.line(add)})
		}
	}
	for _, e := range sortedExceptions(have.exceptions) {
		if drop := removeAccess(e.access, want.access(e.key)); drop != "" {
			denies = append(denies, devWrite{allow: false, line: e.key.line(drop)})
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

// sortedExceptions is es by device: type, major, minor.
func sortedExceptions(es []devException) []devException {
	return slices.SortedFunc(slices.Values(es), func(a, b devException) int {
		if a.key.typ != b.key.typ {
			return int(a.key.typ) - int(b.key.typ)
		}
		if a.key.major != b.key.major {
			return cmp.Compare(a.key.major, b.key.major)
		}
		return cmp.Compare(a.key.minor, b.key.minor)
	})
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

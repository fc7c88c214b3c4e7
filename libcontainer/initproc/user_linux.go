package initproc

import (
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"unsafe"

	"github.com/moby/sys/capability"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// capByName is built when first needed, not at start-up of every myrunc.
var capByName = sync.OnceValue(func() map[string]capability.Cap {
	m := map[string]capability.Cap{}
	for _, c := range capability.ListKnown() {
		m["CAP_"+strings.ToUpper(c.String())] = c
	}
	return m
})

// setUser switches to process.user and its capabilities: the bounding set
// is narrowed while still root, the ids change with keep-caps so the
// permitted set survives, then the final sets are applied.
func setUser(s *initState) error {
	p := s.spec.Process
	caps, err := capability.NewPid2(0)
	if err != nil {
		return err
	}
	if err := caps.Load(); err != nil {
		return fmt.Errorf("read capabilities: %w", err)
	}
	if p.Capabilities != nil {
		if err := fillCaps(s, caps, p.Capabilities); err != nil {
			return err
		}
		if err := caps.Apply(capability.BOUNDING); err != nil {
			return fmt.Errorf("set bounding capabilities: %w", err)
		}
	}
	if err := unix.Prctl(unix.PR_SET_KEEPCAPS, 1, 0, 0, 0); err != nil {
		return os.NewSyscallError("prctl(PR_SET_KEEPCAPS)", err)
	}
	if err := setIDs(p.User); err != nil {
		return err
	}
	if err := unix.Prctl(unix.PR_SET_KEEPCAPS, 0, 0, 0, 0); err != nil {
		return os.NewSyscallError("prctl(PR_SET_KEEPCAPS)", err)
	}
	if p.Capabilities == nil {
		return nil
	}
	if err := caps.Apply(capability.CAPS); err != nil {
		return fmt.Errorf("set capabilities: %w", err)
	}
	// The kernel raises an ambient capability only if it is permitted and
	// inheritable; such ones are left out, with a warning (runc warns too).
	var notRaised []string
	for _, c := range capability.ListKnown() {
		if caps.Get(capability.AMBIENT, c) && !(caps.Get(capability.INHERITABLE, c) && caps.Get(capability.PERMITTED, c)) {
			caps.Unset(capability.AMBIENT, c)
			notRaised = append(notRaised, "CAP_"+strings.ToUpper(c.String()))
		}
	}
	if len(notRaised) > 0 {
		s.warn("ambient capabilities %v left out: an ambient capability must be inheritable and permitted too", notRaised)
	}
	if err := caps.Apply(capability.AMBIENT); err != nil {
		return fmt.Errorf("set ambient capabilities: %w", err)
	}
	return nil
}

// fillCaps sets the spec's capability sets. A capability the runtime does
// not hold itself (or the kernel lacks) cannot be granted: it is left
// out, with a warning, rather than failing the container.
func fillCaps(s *initState, c capability.Capabilities, pc *specs.LinuxCapabilities) error {
	held := map[capability.Cap]bool{}
	for _, x := range capability.ListKnown() {
		held[x] = c.Get(capability.PERMITTED, x) && c.Get(capability.BOUNDING, x)
	}
	c.Clear(capability.CAPS | capability.BOUNDS | capability.AMBS)
	sets := []struct {
		which capability.CapType
		names []string
	}{
		{capability.BOUNDING, pc.Bounding}, {capability.EFFECTIVE, pc.Effective},
		{capability.PERMITTED, pc.Permitted}, {capability.INHERITABLE, pc.Inheritable},
		{capability.AMBIENT, pc.Ambient},
	}
	missing, unknown := map[string]bool{}, map[string]bool{}
	for _, set := range sets {
		for _, n := range set.names {
			c2, ok := capByName()[n]
			if !ok {
				// a newer profile may name what this kernel lacks
				unknown[n] = true
				continue
			}
			if !held[c2] {
				missing[n] = true
				continue
			}
			c.Set(set.which, c2)
		}
	}
	if len(missing) > 0 {
		s.warn("capabilities %v not granted: the runtime does not hold them", sortedKeys(missing))
	}
	if len(unknown) > 0 {
		s.warn("unknown capabilities %v ignored: this kernel or runtime does not know them", sortedKeys(unknown))
	}
	return nil
}

func setIDs(u specs.User) error {
	gids := make([]int, 0, len(u.AdditionalGids))
	for _, g := range u.AdditionalGids {
		gids = append(gids, int(g))
	}
	// setgroups is refused where the user namespace denies it (rootless):
	// only fail when groups were asked for
	if err := setgroupsThread(gids); err != nil && (len(gids) > 0 || err != unix.EPERM) {
		return fmt.Errorf("setgroups %v: %w", u.AdditionalGids, err)
	}
	if err := setresThread(unix.SYS_SETRESGID, u.GID); err != nil {
		return fmt.Errorf("setgid %d: %w", u.GID, err)
	}
	if err := setresThread(unix.SYS_SETRESUID, u.UID); err != nil {
		return fmt.Errorf("setuid %d: %w", u.UID, err)
	}
	return nil
}

// The id changes apply to this thread only: it is the one that execs, and
// the others end at execve. Go's own Setuid signals every thread, which
// costs far more than the syscall.
func setresThread(nr uintptr, id uint32) error {
	if _, _, e := unix.RawSyscall(nr, uintptr(id), uintptr(id), uintptr(id)); e != 0 {
		return e
	}
	return nil
}

func setgroupsThread(gids []int) error {
	list := make([]uint32, len(gids))
	for i, g := range gids {
		list[i] = uint32(g)
	}
	var p unsafe.Pointer
	if len(list) > 0 {
		p = unsafe.Pointer(&list[0])
	}
	if _, _, e := unix.RawSyscall(unix.SYS_SETGROUPS, uintptr(len(list)), uintptr(p), 0); e != 0 {
		return e
	}
	return nil
}

func sortedKeys(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

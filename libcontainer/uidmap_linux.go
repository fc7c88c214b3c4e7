package libcontainer

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// The kernel lets an unprivileged process map only its own uid and gid
// into a user namespace it makes; any other range needs the setuid
// helpers newuidmap and newgidmap, which allow what /etc/subuid and
// /etc/subgid grant. They write the maps of a process that already is in
// the namespace, and a process whose uid is unmapped there loses its
// capabilities at execve: so the init's C constructor makes the user
// namespace itself, waits on a socket while the helpers write its maps,
// then becomes root there and makes the other namespaces (nsenter.c).

// needsMapHelpers says whether the maps ask for more than the caller may
// map itself: anything but its own euid and egid, one id each.
func needsMapHelpers(euid, egid int, uids, gids []specs.LinuxIDMapping) bool {
	if euid == 0 {
		return false
	}
	return !onlyOwnID(uids, euid) || !onlyOwnID(gids, egid)
}

func onlyOwnID(m []specs.LinuxIDMapping, id int) bool {
	return len(m) == 1 && m[0].HostID == uint32(id) && m[0].Size == 1
}

// checkMapsRoot: the init becomes root of the namespace before execve,
// so container id 0 must be mapped.
func checkMapsRoot(uids, gids []specs.LinuxIDMapping) error {
	for _, m := range []struct {
		field string
		maps  []specs.LinuxIDMapping
	}{{"linux.uidMappings", uids}, {"linux.gidMappings", gids}} {
		mapped := false
		for _, x := range m.maps {
			mapped = mapped || (x.ContainerID == 0 && x.Size > 0)
		}
		if !mapped {
			return fmt.Errorf("%s: must map container id 0 (the container's init starts as its root)", m.field)
		}
	}
	return nil
}

// helperArgs are newuidmap's (or newgidmap's) arguments for pid: the
// triples in the order of the spec.
func helperArgs(pid int, m []specs.LinuxIDMapping) []string {
	args := []string{strconv.Itoa(pid)}
	for _, x := range m {
		args = append(args, strconv.FormatUint(uint64(x.ContainerID), 10),
			strconv.FormatUint(uint64(x.HostID), 10), strconv.FormatUint(uint64(x.Size), 10))
	}
	return args
}

// mapHelpers writes the maps of the init's user namespace through
// newuidmap and newgidmap, over a socket to the init's constructor.
type mapHelpers struct {
	newuidmap, newgidmap string
	// ours, and the init's end (ours to close once the init has it)
	sync, child *os.File
}

// findMapHelpers locates the helpers before anything is started, so their
// absence is an error that leaves nothing behind.
func findMapHelpers() (*mapHelpers, error) {
	h := &mapHelpers{}
	for _, t := range []struct {
		name, field string
		path        *string
	}{{"newuidmap", "linux.uidMappings", &h.newuidmap}, {"newgidmap", "linux.gidMappings", &h.newgidmap}} {
		p, err := exec.LookPath(t.name)
		if err != nil {
			p, err = exec.LookPath("/usr/bin/" + t.name)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: an unprivileged user can map only its own id; other ranges need %s "+
				"(Debian package uidmap), which was not found", t.field, t.name)
		}
		*t.path = p
	}
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, os.NewSyscallError("socketpair", err)
	}
	h.sync, h.child = os.NewFile(uintptr(fds[0]), "idmap sync"), os.NewFile(uintptr(fds[1]), "idmap sync (init)")
	return h, nil
}

// write waits until the init, pid, is in its new user namespace, writes
// its maps and lets it go on. On an error the init is still waiting (or
// gone) and must be killed by the caller.
func (h *mapHelpers) write(pid int, uids, gids []specs.LinuxIDMapping) error {
	h.child.Close()
	var b [1]byte
	if n, _ := h.sync.Read(b[:]); n != 1 {
		return errors.New("container init ended before making its user namespace")
	}
	if err := runMapHelper(h.newuidmap, pid, uids); err != nil {
		return fmt.Errorf("linux.uidMappings: %w (ranges need a grant in /etc/subuid)", err)
	}
	if err := runMapHelper(h.newgidmap, pid, gids); err != nil {
		return fmt.Errorf("linux.gidMappings: %w (ranges need a grant in /etc/subgid)", err)
	}
	if _, err := h.sync.Write([]byte{'m'}); err != nil {
		return fmt.Errorf("container init ended while its user namespace was mapped: %w", err)
	}
	return nil
}

func runMapHelper(path string, pid int, m []specs.LinuxIDMapping) error {
	args := helperArgs(pid, m)
	var stderr bytes.Buffer
	cmd := exec.Command(path, args...)
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		return fmt.Errorf("%s %s failed: %s", path, strings.Join(args, " "), msg)
	}
	return nil
}

func (h *mapHelpers) close() {
	h.sync.Close()
	h.child.Close()
}

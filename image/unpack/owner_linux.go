package unpack

import (
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// made says how an entry came to be: fresh (created by this unpacker just
// now, so owned by our fsuid and group, with perm asked for at creation
// less the umask) or an existing one whose metadata is unknown.
type made struct {
	fresh bool
	perm  uint32
}

var existing = made{}

func freshWith(perm uint32) made { return made{fresh: true, perm: perm} }

// dirInfo is what a directory passes on to entries made in it: a set-group-ID
// directory gives them its group, and its new subdirectories the bit.
type dirInfo struct {
	sgid bool
	gid  uint32
}

func statDir(fd int) dirInfo {
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return dirInfo{sgid: true, gid: ^uint32(0)} // unknown: never skip
	}
	return dirInfo{sgid: st.Mode&unix.S_ISGID != 0, gid: st.Gid}
}

// processUmask is this process's umask, read from /proc once per layer
// (umask(2) would change it, racing every other thread's file creation).
func processUmask() uint32 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0o777 // unknown: every mode gets its chmod
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "Umask:"); ok {
			if m, err := strconv.ParseUint(strings.TrimSpace(v), 8, 32); err == nil {
				return uint32(m)
			}
		}
	}
	return 0o777
}

// needChown: an entry we just made as root:root in a directory that does
// not hand out another group already has the owner a 0:0 header asks for
// (most of an image's files); the chown would change nothing.
func (u *unpacker) needChown(parent int, m made, uid, gid int) bool {
	if !m.fresh || !u.asRoot || uid != 0 || gid != 0 {
		return true
	}
	d := u.dirInfo(parent)
	return d.sgid && d.gid != 0
}

// needChmod: a fresh entry made with the header's permission bits, none
// taken by the umask or added by a set-group-ID parent, needs no chmod.
func (u *unpacker) needChmod(parent int, m made, mode uint32, isDir bool) bool {
	if !m.fresh || m.perm != mode || m.perm&u.umask != 0 {
		return true
	}
	return isDir && u.dirInfo(parent).sgid
}

func (u *unpacker) dirInfo(fd int) dirInfo {
	d, ok := u.dirs[fd]
	if !ok {
		d = statDir(fd)
		u.dirs[fd] = d
	}
	return d
}

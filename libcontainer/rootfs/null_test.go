package rootfs

import (
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

func TestIsNullDevice(t *testing.T) {
	cases := []struct {
		st   unix.Stat_t
		want string // "" is the null device
	}{
		{unix.Stat_t{Mode: unix.S_IFCHR | 0o666, Rdev: unix.Mkdev(1, 3)}, ""},
		{unix.Stat_t{Mode: unix.S_IFCHR | 0o666, Rdev: unix.Mkdev(1, 5)}, "device 1:5"},
		{unix.Stat_t{Mode: unix.S_IFBLK | 0o666, Rdev: unix.Mkdev(1, 3)}, "file type"},
		{unix.Stat_t{Mode: unix.S_IFLNK | 0o777}, "a symlink"},
		{unix.Stat_t{Mode: unix.S_IFREG | 0o644}, "a regular file"},
		{unix.Stat_t{Mode: unix.S_IFDIR | 0o755}, "file type"},
	}
	for _, c := range cases {
		err := isNullDevice(&c.st)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("mode %#o: %v", c.st.Mode, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("mode %#o: got %v, want %q", c.st.Mode, err, c.want)
		}
	}
}

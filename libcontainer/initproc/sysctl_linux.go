package initproc

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/sys/unix"
)

// writeSysctls writes linux.sysctl through the container's own /proc,
// refusing a /proc/sys that is not procfs (a planted directory or
// symlink cannot receive the writes).
func writeSysctls(s *initState) error {
	if s.spec.Linux == nil || len(s.spec.Linux.Sysctl) == 0 {
		return nil
	}
	keys := make([]string, 0, len(s.spec.Linux.Sysctl))
	for k := range s.spec.Linux.Sysctl {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if err := writeSysctl(k, s.spec.Linux.Sysctl[k]); err != nil {
			return err
		}
	}
	return nil
}

func writeSysctl(key, value string) error {
	rel := strings.ReplaceAll(key, ".", "/")
	if strings.Contains(rel, "..") {
		return fmt.Errorf("sysctl %q: invalid name", key)
	}
	p := filepath.Join("/proc/sys", rel)
	f, err := os.OpenFile(p, os.O_WRONLY|unix.O_NOFOLLOW|os.O_TRUNC, 0)
	if err != nil {
		return fmt.Errorf("sysctl %s: %w", key, err)
	}
	defer f.Close()
	var st unix.Statfs_t
	if err := unix.Fstatfs(int(f.Fd()), &st); err != nil || st.Type != unix.PROC_SUPER_MAGIC {
		return fmt.Errorf("sysctl %s: %s is not on procfs", key, p)
	}
	if _, err := f.WriteString(value); err != nil {
		return fmt.Errorf("sysctl %s=%s: %w", key, value, err)
	}
	return nil
}

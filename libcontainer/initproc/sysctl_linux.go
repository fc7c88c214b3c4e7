package initproc

import (
	"fmt"
	"path"
	"sort"
	"strings"
)

// writeSysctls writes linux.sysctl through the container's own procfs,
// never through a file mounted over /proc/sys (see openProc).
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
	// no O_TRUNC: opening a planted file would truncate it before any check
	if err := writeProc(path.Join("sys", rel), value); err != nil {
		return fmt.Errorf("sysctl %s=%s: %w", key, value, err)
	}
	return nil
}

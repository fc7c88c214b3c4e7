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

// writeSysctl writes one knob: "net.ipv4.ip_forward", or with slashes
// when a part holds a dot ("net/ipv4/conf/eth0.100/forwarding").
func writeSysctl(key, value string) error {
	rel := key
	if !strings.Contains(key, "/") {
		rel = strings.ReplaceAll(key, ".", "/")
	}
	if path.Clean("/"+rel) != "/"+rel {
		return fmt.Errorf("linux.sysctl[%q]: invalid name", key)
	}
	// no O_TRUNC: opening a planted file would truncate it before any check
	if err := writeProc(path.Join("sys", rel), value); err != nil {
		return fmt.Errorf("linux.sysctl[%q] = %q: %w", key, value, err)
	}
	return nil
}

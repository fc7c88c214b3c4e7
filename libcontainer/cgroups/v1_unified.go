package cgroups

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// writeUnified writes linux.resources.unified on a v1 host: to the
// cgroup2 hierarchy of a hybrid host, where only the controllers that are
// not bound to v1 (hugetlb here) have files. A key without a file there,
// or any key on a pure v1 host, is an error naming it: the library
// ignores the map, which would drop the limit without a word.
func writeUnified(unified map[string]string, dir string) error {
	keys := make([]string, 0, len(unified))
	for k := range unified {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if k == "" || strings.ContainsRune(k, '/') || strings.HasPrefix(k, ".") {
			return fmt.Errorf("linux.resources.unified: %q is not a cgroup file name", k)
		}
		if dir == "" {
			return fmt.Errorf("linux.resources.unified %q: this host has no cgroup2 hierarchy (pure cgroup v1)", k)
		}
		p := filepath.Join(dir, k)
		if err := os.WriteFile(p, []byte(unified[k]), 0); err != nil {
			if _, statErr := os.Stat(p); errors.Is(statErr, os.ErrNotExist) {
				return fmt.Errorf("linux.resources.unified %q: no such file in this host's cgroup2 hierarchy (%s; its controllers: %s)", k, filepath.Dir(dir), controllersOf(dir))
			}
			return fmt.Errorf("linux.resources.unified %q: %w", k, err)
		}
	}
	return nil
}

func controllersOf(dir string) string {
	data, err := os.ReadFile(filepath.Join(dir, "cgroup.controllers"))
	if err != nil || len(strings.TrimSpace(string(data))) == 0 {
		return "none"
	}
	return strings.TrimSpace(string(data))
}

// Package cpulist parses the kernel's list format for CPUs and NUMA nodes
// ("0-3,7"), as execCPUAffinity and memoryPolicy.nodes give them.
package cpulist

import (
	"fmt"
	"strconv"
	"strings"
)

// max bounds a list: the kernel's CPU and node masks are no larger.
const max = 8192

// Parse returns the numbers in s, in order, without repeats.
func Parse(s string) ([]int, error) {
	var out []int
	seen := map[int]bool{}
	if strings.TrimSpace(s) == "" {
		return nil, fmt.Errorf("empty list")
	}
	for _, part := range strings.Split(s, ",") {
		lo, hi, isRange := strings.Cut(strings.TrimSpace(part), "-")
		a, err1 := strconv.Atoi(lo)
		b, err2 := a, error(nil)
		if isRange {
			b, err2 = strconv.Atoi(hi)
		}
		if err1 != nil || err2 != nil || a < 0 || b < a || b >= max {
			return nil, fmt.Errorf("%q is not a list of numbers and ranges like 0-3,7", s)
		}
		for n := a; n <= b; n++ {
			if !seen[n] {
				seen[n] = true
				out = append(out, n)
			}
		}
	}
	return out, nil
}

package cpulist

import (
	"slices"
	"testing"
)

func TestParse(t *testing.T) {
	got, err := Parse("0-2, 5,1,7-7")
	if err != nil || !slices.Equal(got, []int{0, 1, 2, 5, 7}) {
		t.Fatalf("got %v, %v", got, err)
	}
	for _, bad := range []string{"", "a", "3-1", "-1", "1-", "0-9999"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

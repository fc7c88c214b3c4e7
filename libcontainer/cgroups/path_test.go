package cgroups

import "testing"

func TestCleanPath(t *testing.T) {
	cases := []struct{ in, id, want string }{
		{"", "c1", "/c1"},
		{"/a/b", "c1", "/a/b"},
		{"a/b", "c1", "/a/b"},
		{"/a/../b/", "c1", "/b"},
	}
	for _, c := range cases {
		got, err := CleanPath(c.in, c.id)
		if err != nil || got != c.want {
			t.Errorf("CleanPath(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	for _, bad := range []string{"system.slice:docker:abc", "/", "../.."} {
		if _, err := CleanPath(bad, "c1"); err == nil {
			t.Errorf("CleanPath(%q) accepted", bad)
		}
	}
}

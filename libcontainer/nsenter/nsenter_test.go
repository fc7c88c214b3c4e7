package nsenter

import "testing"

func TestRequest(t *testing.T) {
	got := Request([]Join{{"user", 6}, {"network", 7}}, []string{"mount", "pid"}, 8, -1)
	want := "_MYRUNC_NSENTER=user:6,network:7;mount,pid;8;-1"
	if got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	if got := Request(nil, []string{"pid"}, 5, 9); got != "_MYRUNC_NSENTER=-;pid;5;9" {
		t.Fatalf("empty request: %q", got)
	}
}

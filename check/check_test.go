package check

import "testing"

func TestAtLeast(t *testing.T) {
	for _, c := range []struct {
		maj, mnr, wmaj, wmnr int
		want                 bool
	}{{6, 1, 5, 6, true}, {5, 6, 5, 6, true}, {5, 5, 5, 6, false}, {4, 19, 5, 0, false}, {6, 0, 5, 19, true}} {
		if got := atLeast(c.maj, c.mnr, c.wmaj, c.wmnr); got != c.want {
			t.Errorf("%+v: %v", c, got)
		}
	}
}

func TestWorstIgnoresInfo(t *testing.T) {
	if w := Worst([]Result{{Level: OK}, {Level: Info}}); w != OK {
		t.Errorf("worst %v", w)
	}
	if w := Worst([]Result{{Level: Warn}, {Level: Fail}, {Level: OK}}); w != Fail {
		t.Errorf("worst %v", w)
	}
}

func TestEveryProblemHasAFix(t *testing.T) {
	for _, r := range Run(Options{DataRoot: t.TempDir()}) {
		if (r.Level == Warn || r.Level == Fail) && r.Fix == "" {
			t.Errorf("%s: %s has no fix", r.Area, r.Detail)
		}
		if r.Area == "" || r.Detail == "" {
			t.Errorf("empty finding %+v", r)
		}
	}
}

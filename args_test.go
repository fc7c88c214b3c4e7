package main

import (
	"slices"
	"strings"
	"testing"
)

func TestReorderArgs(t *testing.T) {
	app := newApp()
	for _, c := range []struct{ in, want string }{
		{"myrunc update ID --pids-limit 10", "myrunc update --pids-limit 10 ID"},
		{"myrunc --root /r update ID --pids-limit=10 -r f", "myrunc --root /r update --pids-limit=10 -r f ID"},
		{"myrunc kill ID KILL --all", "myrunc kill --all ID KILL"},
		{"myrunc delete ID -f", "myrunc delete -f ID"},
		{"myrunc run ID -d --bundle b", "myrunc run -d --bundle b ID"},
		// exec: flags up to the command, whatever follows is the command's
		{"myrunc exec ID --env A=1 sh -c --env", "myrunc exec --env A=1 ID sh -c --env"},
		{"myrunc exec -t ID -u 1000 ls -l", "myrunc exec -t -u 1000 ID ls -l"},
		{"myrunc ps ID --format json", "myrunc ps --format json ID"},
		{"myrunc ps ID -ef", "myrunc ps ID -ef"},
		{"myrunc ps ID -- -ef", "myrunc ps ID -- -ef"},
		// "--" ends it; unknown flags stay where they are
		{"myrunc kill ID -- --all", "myrunc kill ID -- --all"},
		{"myrunc kill ID -9", "myrunc kill ID -9"},
		{"myrunc --debug", "myrunc --debug"},
		{"myrunc nosuchcommand a --b", "myrunc nosuchcommand a --b"},
	} {
		got := reorderArgs(app, strings.Fields(c.in))
		if !slices.Equal(got, strings.Fields(c.want)) {
			t.Errorf("%s:\n got %s\nwant %s", c.in, strings.Join(got, " "), c.want)
		}
	}
}

package builder

import (
	"slices"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
)

func argCmd(kv ...string) *instructions.ArgCommand {
	c := &instructions.ArgCommand{}
	for i := 0; i < len(kv); i += 2 {
		p := instructions.KeyValuePairOptional{Key: kv[i]}
		if kv[i+1] != "-" { // "-": an ARG without a default
			v := kv[i+1]
			p.Value = &v
		}
		c.Args = append(c.Args, p)
	}
	return c
}

func TestBuildArgs(t *testing.T) {
	lex := shell.NewLex('\\')
	b := newBuildArgs(map[string]string{"GIVEN": "cli", "HTTP_PROXY": "http://p", "UNUSED": "x"})
	// before FROM: META has a default, GIVEN takes --build-arg's value
	if err := b.declare(&b.meta, argCmd("META", "m1", "GIVEN", "dflt"), lex, nil, false); err != nil {
		t.Fatal(err)
	}
	var st argScope
	// in a stage: META without a default takes the value before FROM; a
	// default is expanded with what is declared so far and the ENV
	if err := b.declare(&st, argCmd("META", "-", "DERIVED", "${META}-${E}", "EMPTY", "-"), lex, []string{"E=env"}, true); err != nil {
		t.Fatal(err)
	}
	if err := b.declare(&st, argCmd("GIVEN", "dflt"), lex, nil, true); err != nil {
		t.Fatal(err)
	}
	if got, want := st.env(nil), []string{"META=m1", "DERIVED=m1-env", "GIVEN=cli"}; !slices.Equal(got, want) {
		t.Fatalf("stage args %q, want %q", got, want)
	}
	// ENV overrides ARG; proxy args reach RUN without an ARG
	env := b.runEnv(&st, []string{"PATH=/bin", "META=fromenv"})
	if want := []string{"PATH=/bin", "META=fromenv", "DERIVED=m1-env", "GIVEN=cli", "HTTP_PROXY=http://p"}; !slices.Equal(env, want) {
		t.Fatalf("runEnv %q, want %q", env, want)
	}
	// the history records declared args, sorted, not proxy args
	if got := historyArgs(&st, []string{"META=fromenv"}); got != "|2 DERIVED=m1-env GIVEN=cli " {
		t.Fatalf("historyArgs %q", got)
	}
	if got := b.unconsumed(); !slices.Equal(got, []string{"UNUSED"}) {
		t.Fatalf("unconsumed %q", got)
	}
	var none argScope
	if got := historyArgs(&none, nil); got != "" {
		t.Fatalf("historyArgs of nothing: %q", got)
	}
}

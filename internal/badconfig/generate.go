package badconfig

import (
	"fmt"
	"math/rand"
	"reflect"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// Config makes broken config.json files from base (a valid one): the
// null document, every field of the wrong type, the fault table (with
// linux.resources'), then n random combinations drawn with seed.
func Config(base []byte, env Env, seed int64, n int) ([]Case, error) {
	d, err := parseBase(base)
	if err != nil {
		return nil, err
	}
	faults := typeFaults(reflect.TypeOf(specs.Spec{}), "")
	faults = append(faults, configFaults...)
	faults = append(faults, under("linux.resources", resourceFaults)...)
	cases := []Case{{Name: "null document", Expect: []string{"config.json"}, Data: []byte("null")},
		{Name: "not an object", Expect: []string{"config.json"}, Data: []byte(`["ociVersion"]`)},
		{Name: "empty document", Expect: []string{"config.json"}, Data: []byte("")},
		{Name: "truncated", Expect: []string{"config.json"}, Data: base[:len(base)/2]}}
	return append(cases, build(d, faults, env, seed, n)...), nil
}

// Process makes broken `exec --process` files from base's process.
func Process(base []byte, env Env, seed int64, n int) ([]Case, error) {
	d, err := parseBase(base)
	if err != nil {
		return nil, err
	}
	proc := d["process"]
	faults := typeFaults(reflect.TypeOf(specs.Process{}), "process")
	for _, ft := range configFaults {
		if onlyUnder(ft, "process.") {
			faults = append(faults, ft)
		}
	}
	// the cases are built on a document with process at its root
	cases := build(map[string]any{"process": proc}, faults, env, seed, n)
	for i := range cases {
		p, _ := parse(cases[i].Data)
		cases[i].Data = mustJSON(p.(map[string]any)["process"])
	}
	return append([]Case{{Name: "null process", Expect: []string{"process"}, Data: []byte("null")}}, cases...), nil
}

// Resources makes broken `update --resources` input.
func Resources(env Env, seed int64, n int) []Case {
	faults := typeFaults(reflect.TypeOf(specs.LinuxResources{}), "linux.resources")
	faults = append(faults, under("linux.resources", resourceFaults)...)
	cases := build(map[string]any{"linux": map[string]any{"resources": map[string]any{}}}, faults, env, seed, n)
	for i := range cases {
		d, _ := parse(cases[i].Data)
		cases[i].Data = mustJSON(d.(map[string]any)["linux"].(map[string]any)["resources"])
	}
	return append([]Case{{Name: "null resources", Expect: []string{"linux.resources"}, Data: []byte("null")}}, cases...)
}

func parseBase(base []byte) (map[string]any, error) {
	var d any
	if err := jsonUnmarshal(base, &d); err != nil {
		return nil, fmt.Errorf("badconfig: base config: %w", err)
	}
	m, ok := d.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("badconfig: base config is not an object")
	}
	return m, nil
}

// typeFaults puts each wrong value in each field of t (at prefix).
func typeFaults(t reflect.Type, prefix string) []fault {
	var out []fault
	for _, fl := range fieldsOf(t) {
		p := fl.path
		if prefix != "" {
			p = prefix + "." + p
			if strings.HasPrefix(fl.path, "[") {
				p = prefix + fl.path
			}
		}
		for _, v := range wrongValues(fl.typ) {
			out = append(out, f("type: "+p+" = "+v, p, v))
		}
	}
	return out
}

// under moves faults (and what they expect) below prefix.
func under(prefix string, faults []fault) []fault {
	out := make([]fault, len(faults))
	for i, ft := range faults {
		g := fault{name: prefix + "." + ft.name, kernel: ft.kernel}
		for _, s := range ft.sets {
			g.sets = append(g.sets, set{prefix + "." + s.at, s.val})
		}
		if ft.expect != "" {
			g.expect = prefix + "." + ft.expect
		}
		out[i] = g
	}
	return out
}

func onlyUnder(ft fault, prefix string) bool {
	for _, s := range ft.sets {
		if !strings.HasPrefix(s.at, prefix) {
			return false
		}
	}
	return true
}

// build applies each fault to base, then n random combinations of two
// or three faults (the error may name any of them).
func build(base doc, faults []fault, env Env, seed int64, n int) []Case {
	var cases []Case
	for _, ft := range faults {
		cases = append(cases, one(base, ft, env))
	}
	r := rand.New(rand.NewSource(seed))
	for i := 0; i < n; i++ {
		k := 2 + r.Intn(2)
		var sets []set
		var overrides, names []string
		runtime := true
		for j := 0; j < k; j++ {
			ft := faults[r.Intn(len(faults))]
			runtime = runtime && ft.kernel
			sets = append(sets, ft.sets...)
			if ft.expect != "" {
				overrides = append(overrides, ft.expect)
			}
			names = append(names, ft.name)
		}
		// where each set landed in the combination, and what conflicts name
		c := apply(base, strings.Join(names, " + "), sets, env)
		c.Name = fmt.Sprintf("random %d/%d: %s", seed, i, c.Name)
		c.Expect = append(c.Expect, overrides...)
		c.Runtime = runtime
		cases = append(cases, c)
	}
	return cases
}

func one(base doc, ft fault, env Env) Case {
	c := apply(base, ft.name, ft.sets, env)
	if ft.expect != "" {
		c.Expect = []string{ft.expect}
	} else {
		c.Expect = c.Expect[len(c.Expect)-1:]
	}
	c.Runtime = ft.kernel
	return c
}

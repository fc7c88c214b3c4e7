// Package badconfig makes broken config.json files out of a valid one, to
// prove that every broken input is refused with a message naming the
// field, without a panic and without leaving anything behind
// (tests/badconfig runs them through `myrunc create`, `exec --process`
// and `update --resources`; the unit test runs them through spec/).
//
// Three sources of cases:
//   - every field of runtime-spec's Spec, found by reflection, given
//     values of the wrong JSON type and numbers out of the Go type's range;
//   - a table of semantic faults per field: out-of-range and huge values,
//     empty and overlong strings, bad paths, duplicate and unknown
//     entries, namespaces joined through a symlink loop, conflicting
//     options;
//   - with a seed, random combinations of those.
package badconfig

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Case is one broken input.
type Case struct {
	Name string
	// Expect are the field paths the error may name (one of them), in
	// spec.FieldError notation: "mounts[0].options", `linux.sysctl["x"]`.
	Expect []string
	// Data is the document (config.json, a process or resources object).
	Data []byte
	// Runtime: spec/ cannot judge it (the kernel or the host does); the
	// runtime must refuse it all the same, naming the field.
	Runtime bool
}

// Env names places the cases may point at, so that anything a case made
// outside the bundle can be found: Work is a directory beside the bundle,
// Loop a symlink that points to itself, File a regular file.
type Env struct {
	Work, Loop, File string
}

func (e Env) expand(s string) string {
	return strings.NewReplacer("$WORK", e.Work, "$LOOP", e.Loop, "$FILE", e.File).Replace(s)
}

// doc is a decoded JSON document, edited by path.
type doc = any

func parse(data []byte) (doc, error) {
	var d doc
	err := jsonUnmarshal(data, &d)
	return d, err
}

func mustJSON(v any) []byte {
	data, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("badconfig: %v", err))
	}
	return data
}

// deepCopy copies a decoded document.
func deepCopy(d doc) doc {
	switch v := d.(type) {
	case map[string]any:
		m := make(map[string]any, len(v))
		for k, x := range v {
			m[k] = deepCopy(x)
		}
		return m
	case []any:
		s := make([]any, len(v))
		for i, x := range v {
			s[i] = deepCopy(x)
		}
		return s
	}
	return d
}

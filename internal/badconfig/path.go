package badconfig

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

type segKind int

const (
	segField  segKind = iota // .name
	segIndex                 // [n]; n < 0 appends
	segKey                   // ["key"]
	segAnyKey                // a map's first key, or "k" when it has none
)

type seg struct {
	kind  segKind
	name  string
	index int
}

// parsePath reads "a.b[0].c", `x["k"]`, "list[+]" (append) and "m[*]"
// (any key of a map).
func parsePath(p string) []seg {
	var segs []seg
	for p != "" {
		switch {
		case strings.HasPrefix(p, `["`):
			end := strings.Index(p, `"]`)
			segs = append(segs, seg{kind: segKey, name: p[2:end]})
			p = p[end+2:]
		case strings.HasPrefix(p, "[*]"):
			segs = append(segs, seg{kind: segAnyKey})
			p = p[3:]
		case strings.HasPrefix(p, "[+]"):
			segs = append(segs, seg{kind: segIndex, index: -1})
			p = p[3:]
		case p[0] == '[':
			end := strings.IndexByte(p, ']')
			n, err := strconv.Atoi(p[1:end])
			if err != nil {
				panic("badconfig: bad path " + p)
			}
			segs = append(segs, seg{kind: segIndex, index: n})
			p = p[end+1:]
		default:
			p = strings.TrimPrefix(p, ".")
			end := strings.IndexAny(p, ".[")
			if end < 0 {
				end = len(p)
			}
			segs = append(segs, seg{kind: segField, name: p[:end]})
			p = p[end:]
		}
	}
	return segs
}

// setAt puts val at segs in d (made where missing) and returns the new
// document and the path it was put at, in FieldError notation.
func setAt(d doc, segs []seg, val any) (doc, string) {
	if len(segs) == 0 {
		return val, ""
	}
	s := segs[0]
	switch s.kind {
	case segIndex:
		arr, _ := d.([]any)
		i := s.index
		if i < 0 || i >= len(arr) {
			if i < 0 {
				i = len(arr)
			}
			for len(arr) <= i {
				arr = append(arr, nil)
			}
		}
		var sub string
		arr[i], sub = setAt(arr[i], segs[1:], val)
		return arr, "[" + strconv.Itoa(i) + "]" + sub
	default:
		obj, _ := d.(map[string]any)
		if obj == nil {
			obj = map[string]any{}
		}
		name := s.name
		if s.kind == segAnyKey {
			name = firstKey(obj)
		}
		var sub string
		obj[name], sub = setAt(obj[name], segs[1:], val)
		if s.kind == segField {
			return obj, "." + name + sub
		}
		return obj, "[" + strconv.Quote(name) + "]" + sub
	}
}

func firstKey(m map[string]any) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if len(keys) == 0 {
		return "k"
	}
	return keys[0]
}

// lenAt is the length of the array at p in d (0 if there is none).
func lenAt(d doc, p string) int {
	for _, s := range parsePath(p) {
		switch s.kind {
		case segIndex:
			arr, _ := d.([]any)
			if s.index < 0 || s.index >= len(arr) {
				return 0
			}
			d = arr[s.index]
		default:
			obj, _ := d.(map[string]any)
			d = obj[s.name]
		}
	}
	arr, _ := d.([]any)
	return len(arr)
}

// cleanPath drops the leading dot setAt puts on a field.
func cleanPath(p string) string { return strings.TrimPrefix(p, ".") }

// apply makes a case from base with each of sets done in turn.
func apply(base doc, name string, sets []set, env Env) Case {
	d := deepCopy(base)
	var paths []string
	for _, st := range sets {
		var v any
		if err := jsonUnmarshal([]byte(env.expand(st.val)), &v); err != nil {
			panic(fmt.Sprintf("badconfig: case %q: bad value %s: %v", name, st.val, err))
		}
		var p string
		d, p = setAt(d, parsePath(st.at), v)
		paths = append(paths, cleanPath(p))
	}
	return Case{Name: name, Expect: paths, Data: mustJSON(d)}
}

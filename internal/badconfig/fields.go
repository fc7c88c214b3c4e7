package badconfig

import (
	"bytes"
	"encoding/json"
	"math"
	"reflect"
	"strconv"
	"strings"
)

// jsonUnmarshal keeps numbers as written (huge ones must stay huge).
func jsonUnmarshal(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	return dec.Decode(v)
}

// field is one JSON field reachable in a Go type: its path (array
// elements as [0], map values under a key) and its type.
type field struct {
	path string
	typ  reflect.Type
}

// fieldsOf lists every field of t, depth first.
func fieldsOf(t reflect.Type) []field {
	var out []field
	walk(t, "", &out, 0)
	return out
}

func walk(t reflect.Type, prefix string, out *[]field, depth int) {
	t = deref(t)
	if depth > 10 {
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if f.Anonymous && name == "" {
				walk(f.Type, prefix, out, depth) // its fields are inlined
				continue
			}
			if name == "-" || !f.IsExported() {
				continue
			}
			if name == "" {
				name = f.Name
			}
			p := name
			if prefix != "" {
				p = prefix + "." + name
			}
			*out = append(*out, field{p, f.Type})
			walk(f.Type, p, out, depth+1)
		}
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() != reflect.Uint8 {
			p := prefix + "[0]"
			*out = append(*out, field{p, t.Elem()})
			walk(t.Elem(), p, out, depth+1)
		}
	case reflect.Map:
		p := prefix + "[*]"
		*out = append(*out, field{p, t.Elem()})
		walk(t.Elem(), p, out, depth+1)
	}
}

func deref(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

// wrongValues are JSON values a field of type t cannot take: other JSON
// types, and numbers outside the Go type's range.
func wrongValues(t reflect.Type) []string {
	t = deref(t)
	switch t.Kind() {
	case reflect.String:
		return []string{`12345`, `{"a": 1}`, `["x"]`}
	case reflect.Bool:
		return []string{`"true"`, `1`}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		max := uint64(math.MaxInt64) >> (64 - t.Bits())
		hi, lo := strconv.FormatUint(max+1, 10), "-"+strconv.FormatUint(max+2, 10)
		return []string{`"1"`, `1.5`, hi, lo, `1e400`}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		hi := bigU(uint64(math.MaxUint64) >> (64 - t.Bits()))
		return []string{`"1"`, `-1`, `0.5`, hi}
	case reflect.Float32, reflect.Float64:
		return []string{`"1"`, `true`}
	case reflect.Slice, reflect.Array:
		return []string{`"x"`, `{"a": 1}`}
	case reflect.Map:
		return []string{`"x"`, `[1]`}
	case reflect.Struct:
		return []string{`"x"`, `[1]`, `7`}
	}
	return nil
}

func bigU(max uint64) string {
	if max == math.MaxUint64 {
		return "18446744073709551616"
	}
	return strconv.FormatUint(max+1, 10)
}

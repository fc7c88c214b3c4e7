package spec

import (
	"errors"
	"reflect"
	"strings"

	jsonv2 "github.com/go-json-experiment/json"
	jsonv1 "github.com/go-json-experiment/json/v1"
)

// typeErrorPath finds where in data a value of the wrong type sits, as a
// FieldError path ("mounts[2].options", `annotations["a.b"]`): decoding
// again, on this error path only, with errors that carry a JSON pointer,
// which is then walked through the Go type of v. "" if it cannot tell.
func typeErrorPath(data []byte, v any) string {
	t := reflect.TypeOf(v)
	err := jsonv2.Unmarshal(data, reflect.New(t.Elem()).Interface(),
		jsonv1.DefaultOptionsV1(), jsonv1.ReportErrorsWithLegacySemantics(false))
	var se *jsonv2.SemanticError
	if !errors.As(err, &se) || se.JSONPointer == "" {
		return ""
	}
	return pointerPath(string(se.JSONPointer), t)
}

// pointerPath turns a JSON pointer into a FieldError path, using t to
// tell array indices and map keys from field names.
func pointerPath(ptr string, t reflect.Type) string {
	var b strings.Builder
	for _, seg := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		seg = strings.NewReplacer("~1", "/", "~0", "~").Replace(seg)
		for t != nil && t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		next := reflect.Type(nil)
		switch {
		case t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array):
			b.WriteString("[" + seg + "]")
			next = t.Elem()
		case t != nil && t.Kind() == reflect.Map:
			s := keyed("", seg)
			b.WriteString(s)
			next = t.Elem()
		default:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			name := seg
			if t != nil && t.Kind() == reflect.Struct {
				if f, ok := jsonField(t, seg); ok {
					name, next = f.name, f.typ
				}
			}
			b.WriteString(name)
		}
		t = next
	}
	return b.String()
}

type jsonFieldInfo struct {
	name string
	typ  reflect.Type
}

// jsonField finds the struct field a JSON name decodes into (encoding/json
// matches names case-insensitively).
func jsonField(t reflect.Type, name string) (jsonFieldInfo, bool) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if f.Anonymous && tag == "" && f.Type.Kind() == reflect.Struct {
			if in, ok := jsonField(f.Type, name); ok {
				return in, true // an embedded struct's fields are inlined
			}
			continue
		}
		if tag == "" {
			tag = f.Name
		}
		if strings.EqualFold(tag, name) {
			return jsonFieldInfo{tag, f.Type}, true
		}
	}
	return jsonFieldInfo{}, false
}

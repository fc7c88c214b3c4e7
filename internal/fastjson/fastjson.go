// Package fastjson decodes JSON with the implementation of encoding/json/v2
// (github.com/go-json-experiment/json, its upstream) in its encoding/json
// compatible mode. Its first decode of a type costs half of
// encoding/json's, and every myrunc command and every container init does
// one such cold decode of large types (the spec, the init's Config, the
// state) on the way to the container's process.
package fastjson

import (
	"encoding/json"
	"reflect"

	jsonv2 "github.com/go-json-experiment/json"
	jsonv1 "github.com/go-json-experiment/json/v1"
)

var v1Semantics = jsonv1.DefaultOptionsV1()

// Unmarshal decodes data into v (a non-nil pointer) like json.Unmarshal.
// Where the fast decoder refuses the input, encoding/json decides afresh,
// so errors (their types, offsets and field names) are encoding/json's.
func Unmarshal(data []byte, v any) error {
	if jsonv2.Unmarshal(data, v, v1Semantics) == nil {
		return nil
	}
	if p := reflect.ValueOf(v); p.Kind() == reflect.Pointer && !p.IsNil() {
		p.Elem().SetZero() // no half-decoded leftovers
	}
	return json.Unmarshal(data, v)
}

// Marshal encodes v like json.Marshal (the same bytes: encoding/json's
// semantics), with the fast implementation, whose type caches the decode
// of the same types has already filled.
func Marshal(v any) ([]byte, error) {
	if data, err := jsonv2.Marshal(v, v1Semantics); err == nil {
		return data, nil
	}
	return json.Marshal(v)
}

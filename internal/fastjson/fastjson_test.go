package fastjson

import (
	"encoding/json"
	"reflect"
	"testing"
)

type inner struct {
	N    int               `json:"n"`
	List []string          `json:"list,omitempty"`
	M    map[string]string `json:"m,omitempty"`
}

type outer struct {
	Name  string  `json:"name"`
	In    *inner  `json:"in,omitempty"`
	Bytes []byte  `json:"bytes,omitempty"`
	Items []inner `json:"items"`
}

// The results and errors must be encoding/json's, input for input.
func TestLikeEncodingJSON(t *testing.T) {
	inputs := []string{
		`{"name":"a","in":{"n":1,"list":["x"],"m":{"k":"v"}},"bytes":"aGk=","items":[{"n":2}]}`,
		`{"NAME":"case folds","In":{"N":3}}`,   // case-insensitive names
		`{"name":"a","name":"b"}`,              // duplicate: the last wins
		`{"name":"\xff"}`,                      // invalid UTF-8 is replaced
		`{"name":"a","unknown":[1,2]}`,         // unknown members ignored
		`{"name":null,"in":null,"items":null}`, // nulls leave zero values
		`{"na_me":"delimiters do not fold"}`,   // not a match in v1
		`{"name":1}`,                           // type error
		`{"name":"a",}`,                        // syntax error
		`{"items":[{"n":"x"}]}`,                // nested type error
		`[1]`,                                  // wrong top-level kind
	}
	for _, in := range inputs {
		var want, got outer
		werr := json.Unmarshal([]byte(in), &want)
		gerr := Unmarshal([]byte(in), &got)
		if (werr == nil) != (gerr == nil) || (werr != nil && werr.Error() != gerr.Error()) {
			t.Errorf("%s: error %v, encoding/json says %v", in, gerr, werr)
		}
		if werr == nil && !reflect.DeepEqual(got, want) {
			t.Errorf("%s: got %+v, encoding/json %+v", in, got, want)
		}
	}
}

func TestMarshalLikeEncodingJSON(t *testing.T) {
	values := []any{
		outer{Name: "a<b>&", In: &inner{N: 1, List: []string{"x"}, M: map[string]string{"b": "2", "a": "1"}},
			Bytes: []byte("hi"), Items: []inner{{N: 2}}},
		outer{},                  // nil slices are null, omitempty drops
		&outer{Items: []inner{}}, // an empty slice is []
		map[string]any{"z": 1.5, "a": []int(nil), "m": "\u2028"},
		struct {
			U uintptr `json:",omitempty"`
			B bool    `json:"b,string"`
		}{0, true},
	}
	for _, v := range values {
		want, werr := json.Marshal(v)
		got, gerr := Marshal(v)
		if werr != nil || gerr != nil || string(got) != string(want) {
			t.Errorf("%#v: got %s (%v), encoding/json %s (%v)", v, got, gerr, want, werr)
		}
	}
}

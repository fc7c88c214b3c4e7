package spec

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"myrunc/internal/fastjson"
)

// ConfigName is the file a bundle's configuration lives in.
const ConfigName = "config.json"

// Warnf reports a problem Load fixed instead of rejecting (a relative mount
// destination). The CLI points it at its logger; the default drops it.
var Warnf = func(format string, args ...any) {}

// Load reads <bundle>/config.json, decodes it, normalises it (see normalize)
// and validates it. Unknown JSON fields are ignored, as the spec requires.
func Load(bundle string) (*specs.Spec, error) {
	loadTables()
	abs, err := filepath.Abs(bundle)
	if err != nil {
		return nil, fmt.Errorf("bundle %q: %w", bundle, err)
	}
	// The *os.PathError is kept so errors.Is(err, fs.ErrNotExist) works and
	// the message carries the full path and "no such file or directory".
	data, err := os.ReadFile(filepath.Join(abs, ConfigName))
	if err != nil {
		return nil, err
	}
	s, err := decode(data)
	if err != nil {
		return nil, err
	}
	normalize(s, abs)
	if err := Validate(s); err != nil {
		return nil, err
	}
	return s, nil
}

// decode parses config.json, turning encoding/json's byte offsets into
// line/column and type errors into a *FieldError naming the field.
func decode(data []byte) (*specs.Spec, error) {
	var s specs.Spec
	err := fastjson.Unmarshal(data, &s)
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case err == nil:
		return &s, nil
	case errors.As(err, &syn):
		line, col := lineCol(data, syn.Offset, strings.Contains(syn.Error(), "unexpected end"))
		return nil, fmt.Errorf("%s: invalid JSON at line %d, column %d: %s", ConfigName, line, col, syn.Error())
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = ConfigName
		}
		return nil, fieldErr(field, "cannot unmarshal %s into %s", typ.Value, typ.Type)
	default:
		return nil, fmt.Errorf("%s: %w", ConfigName, err)
	}
}

// lineCol converts a json.SyntaxError offset (bytes read, so the bad byte is
// at offset-1; at end of input the position is the end itself) into a
// 1-based line and column.
func lineCol(data []byte, offset int64, atEOF bool) (line, col int) {
	pos := int(offset) - 1
	if atEOF {
		pos = int(offset)
	}
	pos = max(0, min(pos, len(data)))
	before := data[:pos]
	line = 1 + bytes.Count(before, []byte("\n"))
	col = pos - bytes.LastIndexByte(before, '\n')
	return line, col
}

// normalize makes the spec mean the same wherever the runtime is started
// from: root.path becomes absolute (relative to the bundle, as the spec
// says) and relative mount destinations, which runtime-spec 1.1 deprecates
// but still allows as relative to "/", are joined with "/" (runc 1.1 does
// the same and warns).
func normalize(s *specs.Spec, bundle string) {
	if s.Root != nil && s.Root.Path != "" && !filepath.IsAbs(s.Root.Path) {
		s.Root.Path = filepath.Join(bundle, s.Root.Path)
	}
	for i := range s.Mounts {
		d := s.Mounts[i].Destination
		if d != "" && !path.IsAbs(d) {
			Warnf("%s: relative destination %q is deprecated, using %q", at("mounts", i)+".destination", d, path.Join("/", d))
			s.Mounts[i].Destination = path.Join("/", d)
		}
	}
}

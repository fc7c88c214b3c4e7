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
	if err := decodeJSON(data, &s, ConfigName, ""); err != nil {
		return nil, err
	}
	return &s, nil
}

// DecodeProcess parses an `exec --process` file (a runtime-spec process
// object); errors name the fields as config.json's "process" would.
func DecodeProcess(data []byte, file string) (*specs.Process, error) {
	var p specs.Process
	if err := decodeJSON(data, &p, file, "process"); err != nil {
		return nil, err
	}
	return &p, nil
}

// DecodeResources parses `update --resources` input (a linux.resources
// object); errors name the fields as config.json's would.
func DecodeResources(data []byte, file string) (*specs.LinuxResources, error) {
	var r specs.LinuxResources
	if err := decodeJSON(data, &r, file, "linux.resources"); err != nil {
		return nil, err
	}
	return &r, nil
}

// decodeJSON decodes data from file into v, the object config.json has
// at prefix ("" for the document).
func decodeJSON(data []byte, v any, file, prefix string) error {
	if t := bytes.TrimSpace(data); bytes.Equal(t, []byte("null")) {
		if prefix == "" {
			return fieldErr(file, "is null, not a JSON object")
		}
		return fieldErr(prefix, "is null in %s, not a JSON object", file)
	}
	err := fastjson.Unmarshal(data, v)
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &syn):
		line, col := lineCol(data, syn.Offset, strings.Contains(syn.Error(), "unexpected end"))
		return fmt.Errorf("%s: invalid JSON at line %d, column %d: %s", file, line, col, syn.Error())
	case errors.As(err, &typ):
		field := typeErrorPath(data, v)
		if field == "" {
			field = typ.Field
		}
		if field = join(prefix, field); field == "" {
			field = file
		}
		return fieldErr(field, "cannot unmarshal %s into %s", typ.Value, typ.Type)
	default:
		return fmt.Errorf("%s: %w", file, err)
	}
}

// join puts a path under prefix: join("process", "args") == "process.args".
func join(prefix, path string) string {
	switch {
	case prefix == "":
		return path
	case path == "":
		return prefix
	case path[0] == '[':
		return prefix + path
	}
	return prefix + "." + path
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
		if src := s.Mounts[i].Source; src != "" && !filepath.IsAbs(src) && isBind(s.Mounts[i]) {
			// a bind's source is relative to the bundle
			s.Mounts[i].Source = filepath.Join(bundle, src)
		}
		d := s.Mounts[i].Destination
		if d != "" && !path.IsAbs(d) {
			Warnf("%s: relative destination %q is deprecated, using %q", at("mounts", i)+".destination", d, path.Join("/", d))
			s.Mounts[i].Destination = path.Join("/", d)
		}
	}
}

package spec

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"myrunc/internal/fastjson"
)

// Write writes s to <bundle>/config.json, tab-indented like `runc spec`.
// It never overwrites: an existing config.json is someone's work.
func Write(bundle string, s *specs.Spec) error {
	if s == nil {
		return errors.New("spec.Write: nil spec")
	}
	data, err := json.MarshalIndent(s, "", "\t")
	if err != nil {
		return fmt.Errorf("encoding %s: %w", ConfigName, err)
	}
	return writeNew(bundle, data)
}

func writeNew(bundle string, data []byte) error {
	name := filepath.Join(bundle, ConfigName)
	// O_EXCL makes "exists" and "create" one step, so two writers cannot
	// both think they created the file.
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
	if errors.Is(err, fs.ErrExist) {
		return existsError(bundle)
	}
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(name)
		return err
	}
	return f.Close()
}

// WriteCompact writes s to <bundle>/config.json as compact JSON with the
// fast encoder, for bundles a program makes and reads (the engine's):
// encoding/json's cold MarshalIndent of a spec costs ~1.5 ms, more than
// the rest of making the bundle. It never overwrites either.
func WriteCompact(bundle string, s *specs.Spec) error {
	if s == nil {
		return errors.New("spec.WriteCompact: nil spec")
	}
	data, err := fastjson.Marshal(s)
	if err != nil {
		return fmt.Errorf("encoding %s: %w", ConfigName, err)
	}
	return writeNew(bundle, data)
}

// existsError is "config.json already exists in <bundle>"; it matches
// fs.ErrExist so callers can test for it without parsing the message.
type existsError string

func (e existsError) Error() string      { return ConfigName + " already exists in " + string(e) }
func (existsError) Is(target error) bool { return target == fs.ErrExist }

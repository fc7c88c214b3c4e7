package spec

import (
	"fmt"
	"strconv"
)

// FieldError is bad input in config.json, with the JSON path of the wrong
// field, so that a user can find the line to fix without reading our code.
type FieldError struct {
	Path string // e.g. "process.args", "mounts[2].destination", `linux.sysctl["net.x"]`
	Msg  string // what is wrong, e.g. "must not be empty"
}

func (e *FieldError) Error() string { return e.Path + ": " + e.Msg }

// fieldErr builds a *FieldError with a formatted message.
func fieldErr(path, format string, args ...any) *FieldError {
	return &FieldError{Path: path, Msg: fmt.Sprintf(format, args...)}
}

// at appends an array index to a JSON path: at("mounts", 2) == "mounts[2]".
func at(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }

// keyed appends a quoted map key, because sysctl and annotation keys contain
// dots and would be ambiguous in dotted notation.
func keyed(path, key string) string { return path + "[" + strconv.Quote(key) + "]" }

// first returns the first non-nil error; the checks run in config.json order
// so the error names the earliest wrong field.
func first(checks ...func() error) error {
	for _, c := range checks {
		if err := c(); err != nil {
			return err
		}
	}
	return nil
}

//go:build embed_engine

package enginebin

import (
	_ "embed"
	"strings"
)

// Binary is the engine program, built by `make build` before the runtime.
//
//go:embed myrunc-engine
var Binary []byte

//go:embed myrunc-engine.sum
var sum string

// Sum names this build of Binary (a prefix of its sha256).
func Sum() string { return strings.TrimSpace(sum) }

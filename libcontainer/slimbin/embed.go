//go:build slim_init

package slimbin

import (
	_ "embed"
	"strings"
)

// Binary is cmd/myrunc-init, built by `make build` before the runtime.
//
//go:embed myrunc-init
var Binary []byte

//go:embed myrunc-init.sum
var sum string

// Sum names this build of Binary (a prefix of its sha256).
func Sum() string { return strings.TrimSpace(sum) }

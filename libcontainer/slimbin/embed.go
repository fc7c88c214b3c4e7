//go:build slim_init

package slimbin

import (
	_ "embed"
	"strings"
)

// Binary is cmd/myrunc-init, built without cgo by `make build` before the
// runtime.
//
//go:embed myrunc-init
var Binary []byte

//go:embed myrunc-init.sum
var sum string

// Sum names this build of Binary (a prefix of its sha256).
func Sum() string { return strings.TrimSpace(sum) }

// NsenterBinary is cmd/myrunc-init built with cgo: it has the nsenter
// constructor, for inits that join a user, mount or time namespace (exec).
//
//go:embed myrunc-nsinit
var NsenterBinary []byte

//go:embed myrunc-nsinit.sum
var nsenterSum string

// NsenterSum names this build of NsenterBinary.
func NsenterSum() string { return strings.TrimSpace(nsenterSum) }

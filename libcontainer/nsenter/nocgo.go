//go:build !cgo

package nsenter

// Without cgo there is no constructor: the slim init (cmd/myrunc-init) is
// built so, and the runtime never gives it namespaces to join.

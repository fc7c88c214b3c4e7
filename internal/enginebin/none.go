//go:build !embed_engine

package enginebin

// Without the embed_engine tag (go test, go vet, a plain go build) there
// is no engine program to run.
var Binary []byte

func Sum() string { return "" }

//go:build !slim_init

package slimbin

// Without the slim_init tag (go test, go vet, a plain go build) there is
// no slim init and every init is `myrunc init`.
var Binary, NsenterBinary []byte

func Sum() string { return "" }

func NsenterSum() string { return "" }

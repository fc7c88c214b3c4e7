package image

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
)

// authError says what a registry's 401 means for the user: whether we had
// credentials for it at all (go-containerregistry's own message for a HEAD
// is "unexpected status code 401", with no hint where credentials come from).
type authError struct {
	registry string
	hadCreds bool
	err      error
}

func (e *authError) Error() string {
	if e.hadCreds {
		return fmt.Sprintf("registry %s: unauthorized: authentication failed with the credentials from the Docker config", e.registry)
	}
	return fmt.Sprintf("registry %s: unauthorized: authentication required, no credentials for it in the Docker config "+
		"($DOCKER_CONFIG/config.json or ~/.docker/config.json, \"auths\")", e.registry)
}

func (e *authError) Unwrap() error { return e.err }

// explainAuth turns a registry's 401 answer into an authError; other
// errors pass unchanged.
func explainAuth(reg name.Registry, err error) error {
	var te *transport.Error
	if !errors.As(err, &te) || te.StatusCode != http.StatusUnauthorized {
		return err
	}
	a, kerr := authn.DefaultKeychain.Resolve(reg)
	return &authError{registry: reg.RegistryStr(), hadCreds: kerr == nil && a != authn.Anonymous, err: err}
}

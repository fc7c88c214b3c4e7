package image

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/docker/cli/cli/config"
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

// explainRemote names what a registry's refusal means for the user: a
// 401, a certificate we do not trust.
func explainRemote(reg name.Registry, err error) error {
	return explainTLS(reg.RegistryStr(), explainAuth(reg, err))
}

// resolveAuth asks the Docker config (and its credential helpers) for
// repo's credentials once, for every request of a pull or push; a
// helper's failure names the helper (go-containerregistry says only
// "error getting credentials - err: exit status 1").
func resolveAuth(repo name.Repository) (authn.Authenticator, error) {
	a, err := authn.DefaultKeychain.Resolve(repo)
	if err != nil {
		return nil, fmt.Errorf("registry %s: %s: %w", repo.RegistryStr(), credentialSource(repo.RegistryStr()), err)
	}
	return a, nil
}

// credentialSource says where the Docker config takes host's credentials
// from: its credHelpers entry, its credsStore, or the file itself.
func credentialSource(host string) string {
	cf, err := config.Load(config.Dir())
	if err != nil {
		return "Docker config"
	}
	if h := cf.CredentialHelpers[host]; h != "" {
		return fmt.Sprintf("credential helper docker-credential-%s (credHelpers in %s)", h, cf.Filename)
	}
	if cf.CredentialsStore != "" {
		return fmt.Sprintf("credential helper docker-credential-%s (credsStore in %s)", cf.CredentialsStore, cf.Filename)
	}
	return "credentials from " + cf.Filename
}

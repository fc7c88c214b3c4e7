package image

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// DefaultCertsDir is where Docker looks for a registry's own TLS trust:
// <dir>/<host[:port]>/*.crt are CA certificates added to the system's,
// *.cert with the *.key of the same name a client certificate.
const DefaultCertsDir = "/etc/docker/certs.d"

// certsDirEnv moves DefaultCertsDir (tests, and hosts that keep Docker's
// files elsewhere); Docker's own path is used without it.
const certsDirEnv = "MYRUNC_CERTS_D"

func certsDir() string {
	if d := os.Getenv(certsDirEnv); d != "" {
		return d
	}
	return DefaultCertsDir
}

// registryTLS is the TLS configuration for host (host[:port] as in the
// reference): verification skipped when insecure (--insecure, or a
// loopback registry, which Docker treats as insecure too), else the
// system's roots plus the CAs and client certificates of host's certs.d
// directory.
func registryTLS(host string, insecure bool) (*tls.Config, error) {
	if insecure {
		return &tls.Config{InsecureSkipVerify: true}, nil
	}
	dir := filepath.Join(certsDir(), host)
	ents, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return &tls.Config{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("registry %s: certificates: %w", host, err)
	}
	conf := &tls.Config{}
	for _, e := range ents {
		p := filepath.Join(dir, e.Name())
		switch filepath.Ext(e.Name()) {
		case ".crt":
			if conf.RootCAs == nil {
				if conf.RootCAs, err = x509.SystemCertPool(); err != nil {
					conf.RootCAs = x509.NewCertPool()
				}
			}
			pem, err := os.ReadFile(p)
			if err != nil {
				return nil, fmt.Errorf("registry %s: CA certificate: %w", host, err)
			}
			if !conf.RootCAs.AppendCertsFromPEM(pem) {
				return nil, fmt.Errorf("registry %s: CA certificate %s: no PEM certificate in it", host, p)
			}
		case ".cert":
			key := strings.TrimSuffix(p, ".cert") + ".key"
			pair, err := tls.LoadX509KeyPair(p, key)
			if err != nil {
				return nil, fmt.Errorf("registry %s: client certificate %s (with key %s): %w", host, p, key, err)
			}
			conf.Certificates = append(conf.Certificates, pair)
		case ".key":
			if _, err := os.Stat(strings.TrimSuffix(p, ".key") + ".cert"); err != nil {
				return nil, fmt.Errorf("registry %s: client key %s has no certificate %s", host, p, strings.TrimSuffix(e.Name(), ".key")+".cert")
			}
		}
	}
	return conf, nil
}

// tlsTrustError says that a registry's certificate was not accepted, and
// how to make it so.
type tlsTrustError struct {
	host string
	err  error
}

func (e *tlsTrustError) Error() string {
	return fmt.Sprintf("registry %s: TLS certificate not trusted (%s): add its CA as %s, or use --insecure",
		e.host, e.err, filepath.Join(certsDir(), e.host, "ca.crt"))
}

func (e *tlsTrustError) Unwrap() error { return e.err }

// explainTLS turns a certificate verification failure into a tlsTrustError;
// other errors pass unchanged.
func explainTLS(host string, err error) error {
	var (
		verr *tls.CertificateVerificationError
		uerr x509.UnknownAuthorityError
		herr x509.HostnameError
		ierr x509.CertificateInvalidError
	)
	switch {
	case errors.As(err, &uerr):
		return &tlsTrustError{host, uerr}
	case errors.As(err, &herr):
		return &tlsTrustError{host, herr}
	case errors.As(err, &ierr):
		return &tlsTrustError{host, ierr}
	case errors.As(err, &verr):
		return &tlsTrustError{host, verr.Err}
	}
	return err
}

package image

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
)

func TestRegistryTLS(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(certsDirEnv, dir)
	if c, err := registryTLS("reg.example:5000", true); err != nil || !c.InsecureSkipVerify {
		t.Fatalf("insecure: %v %v", c, err)
	}
	if c, err := registryTLS("reg.example:5000", false); err != nil || c.RootCAs != nil || c.InsecureSkipVerify {
		t.Fatalf("no certs.d dir: want the system roots, got %+v %v", c, err)
	}
	host := filepath.Join(dir, "reg.example:5000")
	if err := os.MkdirAll(host, 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(host, "ca.crt"), []byte("not a certificate"), 0o644)
	if _, err := registryTLS("reg.example:5000", false); err == nil || !strings.Contains(err.Error(), "no PEM certificate") {
		t.Fatalf("garbage ca.crt: %v", err)
	}
	os.Remove(filepath.Join(host, "ca.crt"))
	os.WriteFile(filepath.Join(host, "client.key"), []byte("x"), 0o600)
	if _, err := registryTLS("reg.example:5000", false); err == nil || !strings.Contains(err.Error(), "has no certificate client.cert") {
		t.Fatalf("key without cert: %v", err)
	}
}

func TestExplainTLS(t *testing.T) {
	t.Setenv(certsDirEnv, "/certs")
	inner := &tls.CertificateVerificationError{Err: x509.UnknownAuthorityError{}}
	err := explainTLS("h:1", fmt.Errorf("Get \"https://h:1/v2/\": %w", inner))
	var te *tlsTrustError
	if !errors.As(err, &te) || !strings.Contains(err.Error(), "registry h:1: TLS certificate not trusted (x509: certificate signed by unknown authority): add its CA as /certs/h:1/ca.crt, or use --insecure") {
		t.Fatalf("got %v", err)
	}
	other := errors.New("connection refused")
	if explainTLS("h:1", other) != other {
		t.Fatal("other errors must pass unchanged")
	}
}

func TestResolveAuthNamesHelper(t *testing.T) {
	cfg, bin := t.TempDir(), t.TempDir()
	os.WriteFile(filepath.Join(cfg, "config.json"), []byte(`{"credHelpers":{"reg.example":"broken"}}`), 0o644)
	os.WriteFile(filepath.Join(bin, "docker-credential-broken"), []byte("#!/bin/sh\necho locked\nexit 1\n"), 0o755)
	t.Setenv("DOCKER_CONFIG", cfg)
	t.Setenv("HOME", t.TempDir())
	t.Setenv("PATH", bin+":"+os.Getenv("PATH"))
	repo, _ := name.NewRepository("reg.example/a/b")
	_, err := resolveAuth(repo)
	want := "registry reg.example: credential helper docker-credential-broken (credHelpers in " + filepath.Join(cfg, "config.json") + "): "
	if err == nil || !strings.HasPrefix(err.Error(), want) || !strings.Contains(err.Error(), "locked") {
		t.Fatalf("got %v, want prefix %q and the helper's output", err, want)
	}
}

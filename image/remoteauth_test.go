package image

import (
	"encoding/base64"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
)

func TestExplainAuth(t *testing.T) {
	reg, err := name.NewRegistry("127.0.0.1:5999", name.Insecure)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	t.Setenv("DOCKER_CONFIG", dir)
	unauthorized := &transport.Error{StatusCode: http.StatusUnauthorized}

	other := errors.New("connection refused")
	if got := explainAuth(reg, other); got != other {
		t.Errorf("a non-401 error changed: %v", got)
	}
	notFound := &transport.Error{StatusCode: http.StatusNotFound}
	if got := explainAuth(reg, notFound); got != notFound {
		t.Errorf("a 404 changed: %v", got)
	}

	got := explainAuth(reg, unauthorized)
	if !strings.Contains(got.Error(), "registry 127.0.0.1:5999: unauthorized: authentication required") ||
		!errors.Is(got, unauthorized) {
		t.Errorf("no credentials: %v", got)
	}

	auth := base64.StdEncoding.EncodeToString([]byte("alice:pw"))
	cfg := `{"auths":{"127.0.0.1:5999":{"auth":"` + auth + `"}}}`
	if err := os.WriteFile(filepath.Join(dir, "config.json"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	got = explainAuth(reg, unauthorized)
	if !strings.Contains(got.Error(), "authentication failed with the credentials from the Docker config") {
		t.Errorf("refused credentials: %v", got)
	}
}

package image

import (
	"fmt"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
)

// ParseRef parses an image reference as Docker does: "busybox" is
// docker.io/library/busybox:latest.
func ParseRef(s string) (name.Reference, error) {
	if s == "" {
		return nil, fmt.Errorf("empty image reference")
	}
	r, err := name.ParseReference(s)
	if err != nil {
		return nil, fmt.Errorf("invalid reference format %q: %w", s, err)
	}
	return r, nil
}

// ParseTag parses a reference that must be a tag (tag, push, a load's name).
func ParseTag(s string) (name.Tag, error) {
	t, err := name.NewTag(s)
	if err != nil {
		return name.Tag{}, fmt.Errorf("invalid reference format %q: %w", s, err)
	}
	return t, nil
}

// FullName is the stored form of a reference: registry/repository:tag or
// registry/repository@digest, Docker Hub spelled docker.io.
func FullName(r name.Reference) string {
	repo := repoName(r.Context())
	if d, ok := r.(name.Digest); ok {
		return repo + "@" + d.DigestStr()
	}
	return repo + ":" + r.Identifier()
}

func repoName(repo name.Repository) string {
	reg := repo.RegistryStr()
	if reg == name.DefaultRegistry {
		reg = "docker.io"
	}
	return reg + "/" + repo.RepositoryStr()
}

// Familiar is how Docker shows a full name: docker.io/library/busybox:latest
// is busybox:latest, docker.io/user/app:1 is user/app:1.
func Familiar(full string) string {
	if rest, ok := strings.CutPrefix(full, "docker.io/"); ok {
		return strings.TrimPrefix(rest, "library/")
	}
	return full
}

// splitName splits a full tag or digest reference into repository and
// the tag or digest ("<none>" when absent), for listings.
func splitName(full string) (repo, tagOrDigest string) {
	if i := strings.LastIndex(full, "@"); i >= 0 {
		return full[:i], full[i+1:]
	}
	if i := strings.LastIndex(full, ":"); i > strings.LastIndex(full, "/") {
		return full[:i], full[i+1:]
	}
	return full, "<none>"
}

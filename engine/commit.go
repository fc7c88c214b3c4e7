package engine

import (
	"fmt"
	"path/filepath"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"myrunc/image"
)

// CommitOptions are `container commit`'s flags.
type CommitOptions struct {
	Changes []string // -c Dockerfile instructions
	Message string
	Author  string
	Pause   bool
}

// Commit makes a new image from a container's changes (its writable
// layer) and config; ref may be empty (an untagged image). It returns
// the new image's ID.
func (e *Engine) Commit(ref, tag string, o CommitOptions) (string, error) {
	c, err := e.Get(ref)
	if err != nil {
		return "", err
	}
	store, err := image.Open(e.DataRoot)
	if err != nil {
		return "", err
	}
	parent, err := store.Get(c.Image)
	if err != nil {
		return "", fmt.Errorf("the image of container %s: %w", c.Name, err)
	}
	fullTag := ""
	if tag != "" {
		t, err := image.ParseTag(tag)
		if err != nil {
			return "", fmt.Errorf("invalid reference format: %s: %w", tag, err)
		}
		fullTag = image.FullName(t)
	}
	cfg := commitConfig(c, parent)
	for _, ch := range o.Changes {
		if err := image.ApplyChange(&cfg, ch); err != nil {
			return "", err
		}
	}
	// a running container is frozen while its layer is read, as Docker does
	if o.Pause && c.State.Status == StatusRunning {
		if err := e.Pause(c.ID); err == nil {
			defer e.Unpause(c.ID)
		}
	}
	upper := filepath.Join(e.DataRoot, "image", "rw", c.ID, "upper")
	rec, err := store.Commit(parent, upper, image.CommitOptions{Config: cfg, Comment: o.Message, Author: o.Author,
		CreatedBy: strings.Join(append([]string{c.Path}, c.Args...), " "), Tag: fullTag})
	if err != nil {
		return "", err
	}
	return rec.ID, nil
}

// commitConfig is the image config of a commit: the container's, as
// Docker keeps it (command, environment, workdir, user, labels, ports).
func commitConfig(c *Container, parent *image.Image) v1.Config {
	cfg := parent.Config.Config
	cfg.Cmd, cfg.Entrypoint = c.Config.Cmd, c.Config.Entrypoint
	cfg.Env, cfg.WorkingDir, cfg.User = c.Config.Env, c.Config.WorkingDir, c.Config.User
	cfg.Labels, cfg.ExposedPorts, cfg.Volumes = c.Config.Labels, c.Config.ExposedPorts, c.Config.Volumes
	cfg.Hostname, cfg.Tty, cfg.OpenStdin = "", false, false
	return cfg
}

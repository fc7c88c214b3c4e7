// pullfloor is the floor make bench-images compares pulls with: the
// image's manifest, config and layers fetched with go-containerregistry
// and each layer gunzipped (standard library) to nowhere, one after
// another; nothing is written to disk.
package main

import (
	"compress/gzip"
	"fmt"
	"io"
	"os"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: pullfloor REGISTRY/REPO:TAG")
		os.Exit(2)
	}
	if err := pull(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "pullfloor:", err)
		os.Exit(1)
	}
}

func pull(ref string) error {
	r, err := name.ParseReference(ref, name.Insecure)
	if err != nil {
		return err
	}
	img, err := remote.Image(r)
	if err != nil {
		return err
	}
	if _, err := img.RawConfigFile(); err != nil {
		return err
	}
	layers, err := img.Layers()
	if err != nil {
		return err
	}
	for _, l := range layers {
		rc, err := l.Compressed()
		if err != nil {
			return err
		}
		zr, err := gzip.NewReader(rc)
		if err != nil {
			return err
		}
		if _, err := io.Copy(io.Discard, zr); err != nil {
			return err
		}
		rc.Close()
	}
	return nil
}

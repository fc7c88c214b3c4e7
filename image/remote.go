package image

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// RemoteOptions are a pull's or push's registry settings.
type RemoteOptions struct {
	// Platform picks from a manifest list: "os/arch[/variant]", "" = host.
	Platform string
	// Insecure allows plain HTTP and unverified TLS to any registry;
	// localhost and 127.0.0.0/8 are insecure without it, as in Docker.
	Insecure bool
	Reporter Reporter
}

// remoteOpts are go-containerregistry's options for ref: credentials from
// ~/.docker/config.json, our HTTP policy, retries with backoff.
func (o RemoteOptions) remoteOpts(ctx context.Context, ref name.Reference) ([]remote.Option, error) {
	plat := HostPlatform()
	if o.Platform != "" {
		p, err := v1.ParsePlatform(o.Platform)
		if err != nil {
			return nil, fmt.Errorf("--platform %q: %w", o.Platform, err)
		}
		if p.OS == "" || p.Architecture == "" {
			return nil, fmt.Errorf("--platform %q: want OS/ARCH[/VARIANT]", o.Platform)
		}
		plat = *p
	}
	host := ref.Context().RegistryStr()
	tlsConf, err := registryTLS(host, o.Insecure || isLoopback(host))
	if err != nil {
		return nil, err
	}
	auth, err := resolveAuth(ref.Context())
	if err != nil {
		return nil, err
	}
	base := http.DefaultTransport.(*http.Transport).Clone()
	base.TLSClientConfig = tlsConf
	base.ResponseHeaderTimeout = 60 * time.Second
	return []remote.Option{
		remote.WithContext(ctx),
		remote.WithAuth(auth),
		remote.WithPlatform(plat),
		remote.WithTransport(&httpPolicy{base: base, host: host, allowHTTP: o.Insecure || isLoopback(host)}),
		remote.WithRetryBackoff(remote.Backoff{Duration: 500 * time.Millisecond, Factor: 2, Jitter: 0.1, Steps: 3}),
		remote.WithJobs(parallelLayers),
	}, nil
}

// parseRemote parses a reference the way the registry will be asked:
// plain HTTP allowed for loopback registries and with --insecure.
func (o RemoteOptions) parseRemote(ref string) (name.Reference, error) {
	r, err := ParseRef(ref)
	if err != nil {
		return nil, err
	}
	if o.Insecure || isLoopback(r.Context().RegistryStr()) {
		return name.ParseReference(ref, name.Insecure)
	}
	return r, nil
}

// isLoopback: localhost or 127.0.0.0/8 or ::1, with any port.
func isLoopback(hostport string) bool {
	h := hostport
	if host, _, err := net.SplitHostPort(hostport); err == nil {
		h = host
	}
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(h, "[]"))
	return ip != nil && ip.IsLoopback()
}

// httpPolicy refuses plain HTTP where Docker would (go-containerregistry
// also allows it for private address ranges).
type httpPolicy struct {
	base      http.RoundTripper
	host      string
	allowHTTP bool
}

func (p *httpPolicy) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Scheme == "http" && !p.allowHTTP && req.URL.Host == p.host {
		return nil, fmt.Errorf("registry %s: plain HTTP is not allowed (use --insecure)", p.host)
	}
	return p.base.RoundTrip(req)
}

// PullResult says what a pull did.
type PullResult struct {
	Record   *Record
	Name     string // full tag or digest reference pulled
	Digest   string // the manifest (or manifest list) digest
	UpToDate bool
}

// Pull downloads an image: manifests first, then every layer in
// parallel, each streamed from the registry through its digest check and
// decompression into the unpacker, the blob kept beside. A layer whose
// download breaks is fetched again (3 tries); a pull that fails leaves
// nothing behind.
func (s *Store) Pull(ctx context.Context, ref string, o RemoteOptions) (_ *PullResult, err error) {
	r, err := o.parseRemote(ref)
	if err != nil {
		return nil, err
	}
	op, err := s.startOp()
	if err != nil {
		return nil, err
	}
	defer func() { s.endOp(op, err) }()
	opts, err := o.remoteOpts(ctx, r)
	if err != nil {
		return nil, fmt.Errorf("pulling %s: %w", ref, err)
	}
	desc, err := remote.Get(r, opts...)
	if err != nil {
		return nil, fmt.Errorf("pulling %s: %w", ref, explainRemote(r.Context().Registry, err))
	}
	if !desc.MediaType.IsIndex() && !desc.MediaType.IsImage() {
		return nil, fmt.Errorf("pulling %s: unknown manifest media type %q", ref, desc.MediaType)
	}
	img, err := desc.Image()
	if err != nil {
		return nil, fmt.Errorf("pulling %s: %w", ref, err)
	}
	mraw, err := img.RawManifest()
	if err != nil {
		return nil, fmt.Errorf("pulling %s: %w", ref, err)
	}
	m, err := decodeManifest(mraw)
	if err != nil {
		return nil, fmt.Errorf("pulling %s: %w", ref, err)
	}
	var craw []byte
	err = withRetries(func() error {
		l, err := img.LayerByDigest(m.Config.Digest)
		if err != nil {
			return err
		}
		rc, err := l.Compressed()
		if err != nil {
			return err
		}
		defer rc.Close()
		craw, err = io.ReadAll(io.LimitReader(rc, 64<<20))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("pulling %s: config %s: %w", ref, m.Config.Digest, err)
	}
	res := &PullResult{Name: FullName(r), Digest: desc.Digest.String()}
	repoDigest := repoName(r.Context()) + "@" + desc.Digest.String()
	if old, err := s.Get(repoDigest); err == nil && old.ID == m.Config.Digest.String() {
		if _, isTag := r.(name.Tag); !isTag || contains(old.RepoTags, res.Name) {
			res.Record, res.UpToDate = &old.Record, true
			return res, nil
		}
	}
	rep := o.Reporter
	if rep == nil {
		rep = Quiet{}
	}
	ni := &newImage{ManifestRaw: mraw, ConfigRaw: craw, RepoDigest: repoDigest,
		OpenLayer: func(i int) (io.ReadCloser, error) {
			l, err := img.LayerByDigest(m.Layers[i].Digest)
			if err != nil {
				return nil, fetchErr(err)
			}
			rc, err := l.Compressed()
			if err != nil {
				return nil, fetchErr(err)
			}
			return &fetchReader{rc}, nil
		}}
	if _, isTag := r.(name.Tag); isTag {
		ni.Tags = []string{res.Name}
	}
	res.Record, err = s.add(ni, rep)
	if err != nil {
		return nil, fmt.Errorf("pulling %s: %w", ref, err)
	}
	return res, nil
}

// fetchError marks a failure to read from the registry (worth another
// try), not a bad blob.
type fetchError struct{ err error }

func (e *fetchError) Error() string { return e.err.Error() }
func (e *fetchError) Unwrap() error { return e.err }

func fetchErr(err error) error { return &fetchError{err} }

type fetchReader struct{ rc io.ReadCloser }

func (f *fetchReader) Read(p []byte) (int, error) {
	n, err := f.rc.Read(p)
	if err != nil && err != io.EOF {
		// go-containerregistry's own digest check fails here too: that
		// one is the blob's fault, no network's
		if strings.Contains(err.Error(), "error verifying") {
			return n, fmt.Errorf("digest mismatch: %w", err)
		}
		err = fetchErr(err)
	}
	return n, err
}

func (f *fetchReader) Close() error { return f.rc.Close() }

func isFetchError(err error) bool {
	var fe *fetchError
	return errors.As(err, &fe)
}

// withRetries runs fn up to 3 times while it fails for a reason other
// than a digest mismatch (a connection dropped mid-body is not retried by
// go-containerregistry, which retries requests only).
func withRetries(fn func() error) error {
	var err error
	for try := 1; ; try++ {
		if err = fn(); err == nil || try == 3 || strings.Contains(err.Error(), "error verifying") {
			return err
		}
		time.Sleep(time.Duration(try) * 500 * time.Millisecond)
	}
}

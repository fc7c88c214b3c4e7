package builder

import (
	"context"
	"fmt"
	"mime"
	"myrunc/internal/copyclose"
	"net"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"
)

// An ADD of an http(s) URL downloads the file when the step is planned:
// its content is hashed into the step's cache key, so a changed remote
// file invalidates the step and an unchanged one hits the cache (as
// Docker's classic builder, which re-downloads on every build).

// remoteFileName is the name an ADD URL gets in a destination directory:
// the last element of the URL's path, else the Content-Disposition
// filename; "" when neither names a file.
func remoteFileName(u *url.URL, contentDisposition string) string {
	if p := u.Path; p != "" && !strings.HasSuffix(p, "/") {
		if name := path.Base(p); name != "/" && name != "." {
			return name
		}
	}
	if contentDisposition == "" {
		return ""
	}
	_, params, err := mime.ParseMediaType(contentDisposition)
	if f := params["filename"]; err == nil && f != "" && !strings.HasSuffix(f, "/") {
		if name := path.Base(f); name != "/" && name != "." && name != ".." {
			return name
		}
	}
	return ""
}

// remoteModTime is the downloaded file's mtime: the Last-Modified header,
// else the Unix epoch (the download time would change every build).
func remoteModTime(lastModified string) time.Time {
	if t, err := http.ParseTime(lastModified); err == nil {
		return t
	}
	return time.Unix(0, 0)
}

// proxySettings are the build's proxy settings: a proxy build arg
// (--build-arg HTTP_PROXY=...) wins over the engine's environment, each
// read as Go's http.ProxyFromEnvironment reads the environment (the
// upper-case name first). The standard library offers its matcher only
// over the process environment, read once; golang.org/x/net's copy would
// link x/text's Unicode tables into the engine for this alone.
type proxySettings struct{ http, https, noProxy string }

func proxyFromArgs(buildArgs map[string]string, getenv func(string) string) proxySettings {
	get := func(name string) string {
		for _, n := range []string{name, strings.ToLower(name)} {
			if v := buildArgs[n]; v != "" {
				return v
			}
		}
		for _, n := range []string{name, strings.ToLower(name)} {
			if v := getenv(n); v != "" {
				return v
			}
		}
		return ""
	}
	return proxySettings{http: get("HTTP_PROXY"), https: get("HTTPS_PROXY"), noProxy: get("NO_PROXY")}
}

// proxyFor is the proxy for a request to u (nil: a direct connection).
func (p proxySettings) proxyFor(u *url.URL) (*url.URL, error) {
	proxy := p.http
	if u.Scheme == "https" {
		proxy = p.https
	}
	if proxy == "" || !p.useProxy(u) {
		return nil, nil
	}
	pu, err := url.Parse(proxy)
	if err != nil || pu.Scheme == "" || pu.Host == "" {
		// "host:port" without a scheme means http://host:port
		if pu2, err2 := url.Parse("http://" + proxy); err2 == nil {
			return pu2, nil
		}
		return nil, fmt.Errorf("invalid proxy address %q", proxy)
	}
	return pu, nil
}

// useProxy: loopback is always direct; NO_PROXY lists "*", IPs, CIDRs and
// domains (a domain matches itself and its subdomains, ".domain" only its
// subdomains), each with an optional port.
func (p proxySettings) useProxy(u *url.URL) bool {
	host, port := u.Hostname(), u.Port()
	if host == "localhost" {
		return false
	}
	ip := net.ParseIP(host)
	if ip != nil && ip.IsLoopback() {
		return false
	}
	host = strings.ToLower(host)
	for _, e := range strings.Split(p.noProxy, ",") {
		e = strings.ToLower(strings.TrimSpace(e))
		if e == "" {
			continue
		}
		if e == "*" {
			return false
		}
		if _, cidr, err := net.ParseCIDR(e); err == nil {
			if ip != nil && cidr.Contains(ip) {
				return false
			}
			continue
		}
		ePort := ""
		if h, pt, err := net.SplitHostPort(e); err == nil {
			e, ePort = h, pt
		}
		if ePort != "" && ePort != port {
			continue
		}
		if eIP := net.ParseIP(e); eIP != nil {
			if ip != nil && eIP.Equal(ip) {
				return false
			}
			continue
		}
		if strings.HasPrefix(e, ".") {
			if strings.HasSuffix(host, e) {
				return false
			}
			continue
		}
		if host == e || strings.HasSuffix(host, "."+e) {
			return false
		}
	}
	return true
}

// httpClient fetches ADD URLs. No overall deadline (a large file may take
// long): connecting and the response's headers each have one, and the
// build's context (a signal) stops a transfer.
func (b *builder) httpClient() *http.Client {
	proxy := proxyFromArgs(b.o.BuildArgs, os.Getenv)
	tr := &http.Transport{
		Proxy:                 func(r *http.Request) (*url.URL, error) { return proxy.proxyFor(r.URL) },
		DialContext:           (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		TLSHandshakeTimeout:   30 * time.Second,
		ResponseHeaderTimeout: 60 * time.Second,
		ForceAttemptHTTP2:     true,
	}
	return &http.Client{Transport: tr}
}

// download fetches rawURL into dir/<n>/<name> (mode 0600, mtime from
// Last-Modified) and returns the file's name relative to dir. destDir
// says the destination names a directory, so the file needs a name.
func download(ctx context.Context, client *http.Client, rawURL, dir string, n int, destDir bool) (string, error) {
	// the errors of url.Parse and of the client name the URL
	u, err := url.Parse(rawURL)
	if err != nil {
		return "", err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return "", err
	}
	resp, err := client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 400 {
		return "", fmt.Errorf("failed to GET %s with status %s", rawURL, resp.Status)
	}
	name := remoteFileName(u, resp.Header.Get("Content-Disposition"))
	if name == "" {
		if destDir {
			return "", fmt.Errorf("cannot determine a file name from the URL %s: give the destination a file name (not a directory ending in /)", rawURL)
		}
		name = "download" // the destination names the file
	}
	rel := filepath.Join(fmt.Sprint(n), name)
	if err := os.MkdirAll(filepath.Join(dir, fmt.Sprint(n)), 0o700); err != nil {
		return "", err
	}
	f, err := os.OpenFile(filepath.Join(dir, rel), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", err
	}
	if err := copyclose.Copy(f, resp.Body); err != nil {
		return "", fmt.Errorf("GET %s: reading the response: %w", rawURL, err)
	}
	mtime := remoteModTime(resp.Header.Get("Last-Modified"))
	if err := os.Chtimes(filepath.Join(dir, rel), mtime, mtime); err != nil {
		return "", err
	}
	return rel, nil
}

func isHTTPURL(s string) bool {
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://")
}

// fetchRemote downloads an ADD's URLs into a build work directory (a
// killed build's is cleaned like a step's) and adds them to the plan.
func (b *builder) fetchRemote(p *copyPlan, urls []string) error {
	w, err := newWorkDir(b.o.DataRoot)
	if err != nil {
		return err
	}
	p.dlWork = w
	dir := filepath.Join(w.dir, "dl")
	if err := os.Mkdir(dir, 0o700); err != nil {
		return err
	}
	client := b.httpClient()
	defer client.CloseIdleConnections()
	var rels []string
	for i, u := range urls {
		rel, err := download(b.ctx, client, u, dir, i, p.destDir)
		if err != nil {
			return err
		}
		rels = append(rels, rel)
	}
	if p.dl, err = os.OpenRoot(dir); err != nil {
		return err
	}
	for _, rel := range rels {
		p.entries = append(p.entries, srcEntry{rel: rel, remote: true})
	}
	return nil
}

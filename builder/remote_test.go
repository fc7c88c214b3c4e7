package builder

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestRemoteFileName(t *testing.T) {
	for _, c := range []struct{ url, disposition, want string }{
		{"http://h/dir/file.tar.gz", "", "file.tar.gz"},
		{"http://h/dir/file?x=1#f", "", "file"},
		{"http://h/a%20b", "", "a b"},
		{"http://h/dir/", "", ""},
		{"http://h", "", ""},
		{"http://h/", `attachment; filename="given.txt"`, "given.txt"},
		{"http://h/", `attachment; filename="../../etc/passwd"`, "passwd"},
		{"http://h/", `attachment; filename="dir/"`, ""},
		{"http://h/path", `attachment; filename="other"`, "path"}, // the URL's name first
		{"http://h/", "garbage;;", ""},
	} {
		u, err := url.Parse(c.url)
		if err != nil {
			t.Fatal(err)
		}
		if got := remoteFileName(u, c.disposition); got != c.want {
			t.Errorf("remoteFileName(%q, %q) = %q, want %q", c.url, c.disposition, got, c.want)
		}
	}
}

func TestRemoteModTime(t *testing.T) {
	want := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	if got := remoteModTime("Thu, 02 Jan 2020 03:04:05 GMT"); !got.Equal(want) {
		t.Errorf("Last-Modified: got %v, want %v", got, want)
	}
	for _, h := range []string{"", "yesterday"} {
		if got := remoteModTime(h); got.Unix() != 0 {
			t.Errorf("remoteModTime(%q) = %v, want the epoch", h, got)
		}
	}
}

func TestProxyFor(t *testing.T) {
	env := map[string]string{"http_proxy": "envproxy:3128", "HTTPS_PROXY": "http://secure:8080", "no_proxy": "skip.example,.sub.example,10.0.0.0/8,192.168.1.1,port.example:8080"}
	p := proxyFromArgs(nil, func(k string) string { return env[k] })
	for _, c := range []struct{ url, want string }{
		{"http://a.example/x", "http://envproxy:3128"},
		{"https://a.example/x", "http://secure:8080"},
		{"http://localhost/x", ""},
		{"http://127.0.0.1:99/x", ""},
		{"http://skip.example/x", ""},
		{"http://deep.skip.example/x", ""},
		{"http://sub.example/x", "http://envproxy:3128"}, // ".sub.example": its subdomains only
		{"http://a.sub.example/x", ""},
		{"http://10.1.2.3/x", ""},
		{"http://192.168.1.1/x", ""},
		{"http://192.168.1.2/x", "http://envproxy:3128"},
		{"http://port.example:8080/x", ""},
		{"http://port.example:9090/x", "http://envproxy:3128"},
	} {
		u, _ := url.Parse(c.url)
		got, err := p.proxyFor(u)
		if err != nil {
			t.Fatalf("%s: %v", c.url, err)
		}
		if s := ""; got != nil {
			s = got.String()
			if s != c.want {
				t.Errorf("%s: proxy %s, want %q", c.url, s, c.want)
			}
		} else if c.want != "" {
			t.Errorf("%s: no proxy, want %s", c.url, c.want)
		}
	}
	// a build arg wins over the environment; NO_PROXY=* turns it off
	p = proxyFromArgs(map[string]string{"HTTP_PROXY": "http://arg:1"}, func(k string) string { return env[k] })
	if u, _ := p.proxyFor(&url.URL{Scheme: "http", Host: "a.example"}); u == nil || u.Host != "arg:1" {
		t.Errorf("build arg proxy: got %v", u)
	}
	p = proxyFromArgs(map[string]string{"no_proxy": "*"}, func(k string) string { return env[k] })
	if u, _ := p.proxyFor(&url.URL{Scheme: "http", Host: "a.example"}); u != nil {
		t.Errorf("NO_PROXY=*: got %v", u)
	}
}

// fakeServer answers every request itself: no socket is opened.
type fakeServer func(*http.Request) *http.Response

func (f fakeServer) RoundTrip(r *http.Request) (*http.Response, error) { return f(r), nil }

func response(status int, body string, header http.Header) *http.Response {
	if header == nil {
		header = http.Header{}
	}
	return &http.Response{StatusCode: status, Status: fmt.Sprintf("%d %s", status, http.StatusText(status)), Header: header, Body: io.NopCloser(strings.NewReader(body))}
}

func TestDownload(t *testing.T) {
	client := &http.Client{Transport: fakeServer(func(r *http.Request) *http.Response {
		switch r.URL.Path {
		case "/missing":
			return response(404, "not here", nil)
		case "/dated.txt":
			return response(200, "dated", http.Header{"Last-Modified": {"Thu, 02 Jan 2020 03:04:05 GMT"}})
		}
		return response(200, "content of "+r.URL.Path, nil)
	})}
	dir := t.TempDir()
	ctx := context.Background()
	rel, err := download(ctx, client, "http://h/dated.txt", dir, 0, true)
	if err != nil {
		t.Fatal(err)
	}
	if rel != filepath.Join("0", "dated.txt") {
		t.Errorf("rel = %q", rel)
	}
	fi, err := os.Stat(filepath.Join(dir, rel))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 || fi.ModTime().Unix() != time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC).Unix() {
		t.Errorf("mode %v mtime %v, want 0600 and the Last-Modified time", fi.Mode(), fi.ModTime())
	}
	_, err = download(ctx, client, "http://h/missing", dir, 1, true)
	if err == nil || !strings.Contains(err.Error(), "http://h/missing") || !strings.Contains(err.Error(), "404") {
		t.Errorf("404: error %v, want one naming the URL and the status", err)
	}
	if _, err := download(ctx, client, "http://h/", dir, 2, true); err == nil || !strings.Contains(err.Error(), "cannot determine a file name") {
		t.Errorf("no name into a directory: error %v", err)
	}
	rel, err = download(ctx, client, "http://h/", dir, 3, false) // the destination names the file
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, rel)); string(b) != "content of /" {
		t.Errorf("content %q", b)
	}
}

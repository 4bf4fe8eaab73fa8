package main

import (
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestHandlerTypes(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"index.html", "hiwl.wasm", "wasm_exec.js", "worker.js"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	h, err := handler(dir)
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		"/hiwl.wasm": "application/wasm",
		"/worker.js": "text/javascript; charset=utf-8",
		"/":          "text/html; charset=utf-8",
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if rec.Code != http.StatusOK {
			t.Errorf("%s: status %d", path, rec.Code)
		}
		if got := rec.Header().Get("Content-Type"); got != want {
			t.Errorf("%s: Content-Type %q, want %q", path, got, want)
		}
		if got := rec.Header().Get("Cache-Control"); got != "no-cache" {
			t.Errorf("%s: Cache-Control %q", path, got)
		}
	}
	if err := checkDir(dir); err != nil {
		t.Errorf("checkDir of a complete folder: %v", err)
	}
	os.Remove(filepath.Join(dir, "hiwl.wasm"))
	if err := checkDir(dir); err == nil || !strings.Contains(err.Error(), "make wasm-build") {
		t.Errorf("checkDir without hiwl.wasm: %v, want a hint to build", err)
	}
}

func TestListenLoopbackOnly(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", ":0", "192.0.2.1:0"} {
		if ln, err := listen(addr); err == nil {
			ln.Close()
			t.Errorf("listen(%q) succeeded, want a refusal", addr)
		}
	}
	ln, err := listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln.Close()
}

// TestPrecompressed checks the negotiation a browser sees: the best copy it
// accepts, with the original's type, Content-Encoding and Vary; the plain
// file otherwise; and no .br/.gz invented for files without copies.
func TestPrecompressed(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"index.html":   "<!doctype html>",
		"hiwl.wasm":    "raw module",
		"hiwl.wasm.br": "brotli module",
		"hiwl.wasm.gz": "gzip module",
		"app.js":       "js",
		"only.js":      "plain",
		"only.js.gz":   "gzip only",
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	h, err := handler(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		path, accept, method string
		body, encoding, vary string
	}{
		{"/hiwl.wasm", "gzip, deflate, br, zstd", "GET", "brotli module", "br", "Accept-Encoding"},
		{"/hiwl.wasm", "gzip, deflate", "GET", "gzip module", "gzip", "Accept-Encoding"},
		{"/hiwl.wasm", "br;q=0, gzip;q=0.5", "GET", "gzip module", "gzip", "Accept-Encoding"},
		{"/hiwl.wasm", "*", "GET", "brotli module", "br", "Accept-Encoding"},
		{"/hiwl.wasm", "*;q=0, identity", "GET", "raw module", "", "Accept-Encoding"},
		{"/hiwl.wasm", "", "GET", "raw module", "", "Accept-Encoding"},
		{"/hiwl.wasm", "gzip;q=nonsense", "GET", "raw module", "", "Accept-Encoding"},
		{"/hiwl.wasm", "gzip", "HEAD", "", "gzip", "Accept-Encoding"},
		{"/only.js", "br, gzip", "GET", "gzip only", "gzip", "Accept-Encoding"},
		{"/app.js", "br, gzip", "GET", "js", "", ""},
		{"/", "br, gzip", "GET", "<!doctype html>", "", ""},
	} {
		req := httptest.NewRequest(c.method, c.path, nil)
		if c.accept != "" {
			req.Header.Set("Accept-Encoding", c.accept)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		what := c.method + " " + c.path + " (Accept-Encoding: " + c.accept + ")"
		if rec.Code != http.StatusOK {
			t.Errorf("%s: status %d", what, rec.Code)
			continue
		}
		if got := rec.Body.String(); got != c.body {
			t.Errorf("%s: body %q, want %q", what, got, c.body)
		}
		if got := rec.Header().Get("Content-Encoding"); got != c.encoding {
			t.Errorf("%s: Content-Encoding %q, want %q", what, got, c.encoding)
		}
		if got := rec.Header().Get("Vary"); got != c.vary {
			t.Errorf("%s: Vary %q, want %q", what, got, c.vary)
		}
		ext := filepath.Ext(c.path)
		if want := map[string]string{".wasm": "application/wasm", ".js": "text/javascript; charset=utf-8", "": "text/html; charset=utf-8"}[ext]; rec.Header().Get("Content-Type") != want {
			t.Errorf("%s: Content-Type %q, want %q", what, rec.Header().Get("Content-Type"), want)
		}
		if c.encoding != "" && rec.Header().Get("Content-Length") != strconv.Itoa(len(files[strings.TrimPrefix(c.path, "/")+map[string]string{"br": ".br", "gzip": ".gz"}[c.encoding]])) {
			t.Errorf("%s: Content-Length %q is not the compressed copy's", what, rec.Header().Get("Content-Length"))
		}
	}
}

func TestLogged(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "hiwl.wasm"), []byte("raw module"), 0o644)
	os.WriteFile(filepath.Join(dir, "hiwl.wasm.gz"), []byte("gz"), 0o644)
	h, err := handler(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	h = logged(h, log.New(&out, "", 0))
	for _, accept := range []string{"gzip", ""} {
		req := httptest.NewRequest("GET", "/hiwl.wasm", nil)
		req.Header.Set("Accept-Encoding", accept)
		h.ServeHTTP(httptest.NewRecorder(), req)
	}
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/missing.js", nil))
	want := "GET /hiwl.wasm 200 gzip 2\nGET /hiwl.wasm 200 identity 10\nGET /missing.js 404 identity 19\n"
	if out.String() != want {
		t.Errorf("log:\n%s\nwant:\n%s", out.String(), want)
	}
}

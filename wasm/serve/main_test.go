package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
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

package api

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/hiwl/hiwl/edge/internal/fixtures"
	"github.com/hiwl/hiwl/model"
)

func envOf(m map[string]string) func(string) string {
	return func(name string) string { return m[name] }
}

// send serves one request and returns the recorder, without serve's
// check for "Access-Control-Allow-Origin: *".
func send(h http.Handler, method, target, contentType string, body []byte, header ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, target, strings.NewReader(string(body)))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestAPIKeys(t *testing.T) {
	c := defaultModel(t)
	img := fixtures.GalaxyJPEGs(t, 1)[0]
	loads := 0
	h := Handler(Config{
		Model: func() (*model.Classifier, error) { loads++; return c, nil },
		Env:   envOf(map[string]string{EnvAPIKeys: " key-one,\n key-two "}),
	})
	for _, auth := range []string{"", "key-one", "Bearer", "Bearer key-three", "Bearer key-on", "Bearer key-one2", "Basic key-one", "Bearer key-one,key-two"} {
		rec := send(h, "POST", "/classify", "image/jpeg", img, "Authorization", auth)
		wantError(t, rec, http.StatusUnauthorized, "API key")
		if rec.Header().Get("WWW-Authenticate") == "" {
			t.Errorf("401 for %q without WWW-Authenticate", auth)
		}
	}
	if loads != 0 {
		t.Errorf("a request without a valid key loaded the model (%d times)", loads)
	}
	for _, auth := range []string{"Bearer key-one", "bearer key-two", "Bearer  key-two "} {
		if rec := send(h, "POST", "/classify", "image/jpeg", img, "Authorization", auth); rec.Code != 200 {
			t.Errorf("Authorization %q: %d %s", auth, rec.Code, rec.Body)
		}
	}
	// The other routes, and preflight, stay open.
	for _, r := range []struct{ method, target string }{
		{"GET", "/healthz"}, {"GET", "/model"}, {"GET", "/openapi.json"}, {"GET", "/"}, {"OPTIONS", "/classify"},
	} {
		if rec := send(h, r.method, r.target, "", nil); rec.Code >= 300 {
			t.Errorf("%s %s without a key: %d %s", r.method, r.target, rec.Code, rec.Body)
		}
	}
	// Without keys (unset or empty), /classify is open.
	for _, env := range []map[string]string{nil, {EnvAPIKeys: ""}, {EnvAPIKeys: " , "}} {
		open := Handler(Config{Model: func() (*model.Classifier, error) { return c, nil }, Env: envOf(env)})
		if rec := send(open, "POST", "/classify", "image/jpeg", img); rec.Code != 200 {
			t.Errorf("env %v: %d %s", env, rec.Code, rec.Body)
		}
	}
}

func TestCORSAllowList(t *testing.T) {
	h := Handler(Config{Model: noModel(t), Env: envOf(map[string]string{EnvCORSOrigins: "https://outreach.example, https://zoo.example"})})
	for _, origin := range []string{"https://outreach.example", "https://zoo.example"} {
		rec := send(h, "GET", "/healthz", "", nil, "Origin", origin)
		if rec.Code != 200 || rec.Header().Get("Access-Control-Allow-Origin") != origin || rec.Header().Get("Vary") != "Origin" {
			t.Errorf("GET from %s: %d, allow-origin %q, vary %q", origin, rec.Code, rec.Header().Get("Access-Control-Allow-Origin"), rec.Header().Get("Vary"))
		}
		rec = send(h, "OPTIONS", "/classify", "", nil, "Origin", origin, "Access-Control-Request-Method", "POST",
			"Access-Control-Request-Headers", "authorization, content-type")
		hd := rec.Header()
		if rec.Code != http.StatusNoContent || hd.Get("Access-Control-Allow-Origin") != origin ||
			!strings.Contains(hd.Get("Access-Control-Allow-Headers"), "Authorization") || !strings.Contains(hd.Get("Access-Control-Allow-Methods"), "POST") {
			t.Errorf("preflight from %s: %d %v", origin, rec.Code, hd)
		}
	}
	// Another origin: its preflight is refused, and no answer allows it.
	rec := send(h, "OPTIONS", "/classify", "", nil, "Origin", "https://evil.example", "Access-Control-Request-Method", "POST")
	wantError(t, rec, http.StatusForbidden, "evil.example")
	if got := rec.Header().Get("Access-Control-Allow-Origin"); got != "" {
		t.Errorf("refused preflight allows origin %q", got)
	}
	rec = send(h, "GET", "/healthz", "", nil, "Origin", "https://evil.example")
	if rec.Code != 200 || rec.Header().Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("GET from another origin: %d, allow-origin %q", rec.Code, rec.Header().Get("Access-Control-Allow-Origin"))
	}
	// "*" in the list allows any origin.
	any := Handler(Config{Model: noModel(t), Env: envOf(map[string]string{EnvCORSOrigins: "https://a.example *"})})
	if got := send(any, "GET", "/healthz", "", nil, "Origin", "https://b.example").Header().Get("Access-Control-Allow-Origin"); got != "*" {
		t.Errorf("with * listed: allow-origin %q", got)
	}
}

// mapCache is an in-process ResultCache for the unit tests; the Worker's
// (the Workers Cache API) is tested in workerd by edge/e2e.
type mapCache struct {
	mu   sync.Mutex
	m    map[string][]byte
	gets int
}

func (c *mapCache) Enabled() bool { return true }

func (c *mapCache) Get(r *http.Request, key string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gets++
	b, ok := c.m[key]
	return b, ok
}

func (c *mapCache) Put(r *http.Request, key string, b []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m[key] = append([]byte(nil), b...)
}

func TestResultCache(t *testing.T) {
	c := defaultModel(t)
	cache := &mapCache{m: map[string][]byte{}}
	h := Handler(Config{Model: func() (*model.Classifier, error) { return c, nil }, Cache: cache})
	imgs := fixtures.GalaxyJPEGs(t, 3)

	first := send(h, "POST", "/classify", "image/jpeg", imgs[0])
	if first.Code != 200 || first.Header().Get(CacheHeader) != "miss" {
		t.Fatalf("first: %d %s %s", first.Code, first.Header().Get(CacheHeader), first.Body)
	}
	key := cacheKey(imgs[0], c.Version(), false)
	if !strings.HasPrefix(key, c.Version()+"/") || len(cache.m) != 1 || cache.m[key] == nil {
		t.Fatalf("cache after one miss: %d entries, key %s", len(cache.m), key)
	}
	var health Health
	json.Unmarshal(send(h, "GET", "/healthz", "", nil).Body.Bytes(), &health)
	second := send(h, "POST", "/classify", "image/jpeg", imgs[0])
	if second.Code != 200 || second.Header().Get(CacheHeader) != "hit" || second.Body.String() != first.Body.String() {
		t.Fatalf("second: %d %s\n%s\nfirst\n%s", second.Code, second.Header().Get(CacheHeader), second.Body, first.Body)
	}
	var after Health
	json.Unmarshal(send(h, "GET", "/healthz", "", nil).Body.Bytes(), &after)
	if health.Inferences != 1 || after.Inferences != 1 {
		t.Errorf("inferences %d before the hit, %d after; want 1 and 1", health.Inferences, after.Inferences)
	}
	// A hit is the stored answer, not a new inference: change the entry
	// and the answer changes with it.
	cache.m[key] = []byte(`{"label":"from the cache"}`)
	if rec := send(h, "POST", "/classify", "image/jpeg", imgs[0]); rec.Body.String() != "{\"label\":\"from the cache\"}\n" {
		t.Errorf("hit answered %s", rec.Body)
	}
	delete(cache.m, key)
	// The attention map is part of the key.
	if rec := send(h, "POST", "/classify?cam=1", "image/jpeg", imgs[0]); rec.Header().Get(CacheHeader) != "miss" || !strings.Contains(rec.Body.String(), `"cam"`) {
		t.Errorf("cam=1 after cam=0: %s %.100s", rec.Header().Get(CacheHeader), rec.Body)
	}
	// Bad input is neither looked up nor stored.
	gets, n := cache.gets, len(cache.m)
	wantError(t, send(h, "POST", "/classify", "image/jpeg", []byte("<html>")), 400, "not a JPEG")
	if cache.gets != gets || len(cache.m) != n {
		t.Errorf("a non-image was looked up or stored")
	}

	// A batch: each image on its own; a hit only if all of them are.
	body, ct := fixtures.Multipart(t,
		fixtures.Part{Field: "images", Filename: "a.jpg", Data: imgs[1]},
		fixtures.Part{Field: "images", Filename: "bad.jpg", Data: []byte("nope")},
		fixtures.Part{Field: "images", Filename: "b.jpg", Data: imgs[2]})
	var items [2][]BatchItem
	for i, want := range []string{"miss", "hit"} {
		rec := send(h, "POST", "/classify", ct, body)
		if rec.Code != 200 || rec.Header().Get(CacheHeader) != want || json.Unmarshal(rec.Body.Bytes(), &items[i]) != nil {
			t.Fatalf("batch %d: %d %s %s", i, rec.Code, rec.Header().Get(CacheHeader), rec.Body)
		}
	}
	if ja, jb := mustJSON(t, items[0]), mustJSON(t, items[1]); ja != jb {
		t.Errorf("batch from the cache differs:\n%s\n%s", jb, ja)
	}
	if items[1][1].Status != 400 || items[1][0].Result == nil || items[1][0].Result.Label == "" {
		t.Errorf("batch from the cache: %+v", items[1])
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// goneCache is a result cache whose lookup the client abandons: Get
// cancels the request (as the Worker's abort signal does through
// edge/cfbind) and misses, as a lookup ended by the cancellation does.
type goneCache struct {
	cancel context.CancelFunc
	gets   int
}

func (c *goneCache) Enabled() bool { return true }
func (c *goneCache) Get(r *http.Request, key string) ([]byte, bool) {
	c.gets++
	c.cancel()
	return nil, false
}
func (c *goneCache) Put(r *http.Request, key string, b []byte) {}

// TestClientGoneDuringLookup: a request whose client went away during the
// cache lookup stops there, with StatusClientGone and no inference; a
// batch stops at the image it was looking up.
func TestClientGoneDuringLookup(t *testing.T) {
	c := defaultModel(t)
	imgs := fixtures.GalaxyJPEGs(t, 3)
	single, ct := imgs[0], "image/jpeg"
	batch, bct := fixtures.Multipart(t,
		fixtures.Part{Field: "images", Filename: "a.jpg", Data: imgs[1]},
		fixtures.Part{Field: "images", Filename: "b.jpg", Data: imgs[2]})
	for _, tc := range []struct {
		name, ct string
		body     []byte
	}{{"single", ct, single}, {"batch", bct, batch}} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			cache := &goneCache{cancel: cancel}
			h := Handler(Config{Model: func() (*model.Classifier, error) { return c, nil }, Cache: cache})
			req := httptest.NewRequestWithContext(ctx, "POST", "/classify", bytes.NewReader(tc.body))
			req.Header.Set("Content-Type", tc.ct)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			wantError(t, rec, StatusClientGone, "went away")
			var health Health
			json.Unmarshal(send(h, "GET", "/healthz", "", nil).Body.Bytes(), &health)
			if health.Inferences != 0 || cache.gets != 1 {
				t.Errorf("after the client went away: %d inferences, %d lookups; want 0 and 1", health.Inferences, cache.gets)
			}
		})
	}
}

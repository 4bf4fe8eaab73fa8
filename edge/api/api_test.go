package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/hiwl/hiwl/edge/internal/fixtures"
	"github.com/hiwl/hiwl/model"
)

// noModel fails the test if a request reaches inference: routes other than
// /classify, and every rejected upload, must answer without the model.
func noModel(t *testing.T) func() (*model.Classifier, error) {
	return func() (*model.Classifier, error) {
		t.Errorf("model loaded for a request that should not need it")
		return nil, errors.New("no model in this test")
	}
}

func defaultModel(t *testing.T) *model.Classifier {
	t.Helper()
	c, err := model.Default()
	if err != nil {
		t.Fatalf("model.Default: %v", err)
	}
	return c
}

type request struct {
	method, target, contentType string
	body                        []byte
	header                      map[string]string
	chunked                     bool // hide the length, as a streaming client does
}

func serve(t *testing.T, h http.Handler, r request) *httptest.ResponseRecorder {
	t.Helper()
	var body io.Reader = bytes.NewReader(r.body)
	if r.chunked {
		body = io.MultiReader(body) // not a *bytes.Reader: length unknown
	}
	req := httptest.NewRequest(r.method, r.target, body)
	if r.chunked {
		req.ContentLength = -1
	}
	if r.contentType != "" {
		req.Header.Set("Content-Type", r.contentType)
	}
	for k, v := range r.header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if got := rec.Header().Get("Access-Control-Allow-Origin"); got != "*" {
		t.Errorf("%s %s: Access-Control-Allow-Origin = %q, want *", r.method, r.target, got)
	}
	return rec
}

// wantError checks the status and the JSON error body.
func wantError(t *testing.T, rec *httptest.ResponseRecorder, status int, msgPart string) {
	t.Helper()
	if rec.Code != status {
		t.Fatalf("status %d, want %d; body %s", rec.Code, status, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type %q, want application/json", ct)
	}
	var e Error
	if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil {
		t.Fatalf("error body is not JSON: %v: %s", err, rec.Body)
	}
	if e.Status != status || e.Error == "" {
		t.Errorf("error body %+v, want status %d and a message", e, status)
	}
	if !strings.Contains(e.Error, msgPart) {
		t.Errorf("error %q does not mention %q", e.Error, msgPart)
	}
}

func TestUsageAndHealth(t *testing.T) {
	h := Handler(Config{Model: noModel(t)})
	rec := serve(t, h, request{method: "GET", target: "/"})
	if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/plain") {
		t.Fatalf("GET /: %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	for _, want := range []string{"POST /classify", "?cam=1", "GET  /healthz", "413", "4194304"} {
		if !strings.Contains(rec.Body.String(), want) {
			t.Errorf("usage text lacks %q", want)
		}
	}
	if rec := serve(t, h, request{method: "HEAD", target: "/"}); rec.Code != 200 {
		t.Errorf("HEAD /: %d", rec.Code)
	}
	rec = serve(t, h, request{method: "GET", target: "/healthz"})
	var health Health
	if rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &health) != nil || health.Status != "ok" {
		t.Fatalf("GET /healthz: %d %s", rec.Code, rec.Body)
	}
	if m := health.Memory; m.GoHeap == 0 || m.GoSys < m.GoHeap || m.WasmMemory != 0 || m.Limit != IsolateMemoryLimit {
		t.Errorf("GET /healthz memory natively: %+v", m)
	}
	wantError(t, serve(t, h, request{method: "GET", target: "/nope"}), 404, "/nope")
}

func TestMethodNotAllowed(t *testing.T) {
	h := Handler(Config{Model: noModel(t)})
	for _, c := range []struct{ method, target, allow string }{
		{"GET", "/classify", "POST, OPTIONS"},
		{"PUT", "/classify", "POST, OPTIONS"},
		{"DELETE", "/classify", "POST, OPTIONS"},
		{"POST", "/healthz", "GET, HEAD, OPTIONS"},
		{"POST", "/", "GET, HEAD, OPTIONS"},
	} {
		rec := serve(t, h, request{method: c.method, target: c.target, contentType: "image/jpeg", body: []byte("x")})
		wantError(t, rec, http.StatusMethodNotAllowed, c.method)
		if got := rec.Header().Get("Allow"); got != c.allow {
			t.Errorf("%s %s: Allow %q, want %q", c.method, c.target, got, c.allow)
		}
	}
}

func TestPreflight(t *testing.T) {
	h := Handler(Config{Model: noModel(t)})
	rec := serve(t, h, request{method: "OPTIONS", target: "/classify", header: map[string]string{
		"Origin":                         "https://outreach.example",
		"Access-Control-Request-Method":  "POST",
		"Access-Control-Request-Headers": "content-type",
	}})
	if rec.Code != http.StatusNoContent || rec.Body.Len() != 0 {
		t.Fatalf("preflight: %d %q", rec.Code, rec.Body)
	}
	hd := rec.Header()
	if !strings.Contains(hd.Get("Access-Control-Allow-Methods"), "POST") ||
		!strings.Contains(hd.Get("Access-Control-Allow-Headers"), "Content-Type") ||
		!strings.Contains(hd.Get("Access-Control-Allow-Headers"), "Authorization") ||
		hd.Get("Access-Control-Max-Age") == "" {
		t.Errorf("preflight headers: %v", hd)
	}
}

func TestUnsupportedMediaType(t *testing.T) {
	h := Handler(Config{Model: noModel(t)})
	jpeg := fixtures.GalaxyJPEGs(t, 1)[0]
	for _, ct := range []string{"text/plain", "application/json", "image/webp", "application/x-www-form-urlencoded", "image/"} {
		rec := serve(t, h, request{method: "POST", target: "/classify", contentType: ct, body: jpeg})
		wantError(t, rec, http.StatusUnsupportedMediaType, "Content-Type")
	}
	body, ct := fixtures.Multipart(t, fixtures.Part{Field: "image", Filename: "a.txt", ContentType: "text/plain", Data: jpeg})
	wantError(t, serve(t, h, request{method: "POST", target: "/classify", contentType: ct, body: body}),
		http.StatusUnsupportedMediaType, "text/plain")
}

func TestTooLarge(t *testing.T) {
	const limit = 1000
	h := Handler(Config{Model: noModel(t), MaxBodyBytes: limit})
	big := bytes.Repeat([]byte{0xff}, limit+1)
	// Declared length over the limit, and the same body with its length
	// hidden: both must stop at the limit.
	wantError(t, serve(t, h, request{method: "POST", target: "/classify", contentType: "image/jpeg", body: big}), 413, "1000 bytes")
	wantError(t, serve(t, h, request{method: "POST", target: "/classify", contentType: "image/jpeg", body: big, chunked: true}), 413, "1000 bytes")
	body, ct := fixtures.Multipart(t, fixtures.Part{Field: "image", Filename: "a.jpg", ContentType: "image/jpeg", Data: big})
	wantError(t, serve(t, h, request{method: "POST", target: "/classify", contentType: ct, body: body, chunked: true}), 413, "1000 bytes")
}

func TestBadImages(t *testing.T) {
	h := Handler(Config{Model: noModel(t)})
	jpeg := fixtures.GalaxyJPEGs(t, 1)[0]
	noImage, ct := fixtures.Multipart(t, fixtures.Part{Field: "file", Filename: "a.jpg", Data: jpeg})
	for _, c := range []struct {
		name, contentType, target string
		body                      []byte
		status                    int
		msg                       string
	}{
		{"not an image", "image/jpeg", "/classify", []byte("<html>hello</html>"), 400, "not a JPEG"},
		{"empty", "image/png", "/classify", nil, 400, "empty"},
		{"truncated JPEG", "image/jpeg", "/classify", jpeg[:len(jpeg)/2], 400, "truncated"},
		{"header only", "image/jpeg", "/classify", jpeg[:200], 400, "truncated"},
		{"no image field", ct, "/classify", noImage, 400, `"image"`},
		{"no boundary", "multipart/form-data", "/classify", noImage, 400, "boundary"},
		{"bad cam flag", "image/jpeg", "/classify?cam=banana", jpeg, 400, "cam"},
		{"60000x60000 PNG", "image/png", "/classify", fixtures.PNGHeader(60000, 60000), 422, "60000x60000"},
		{"5000x100 PNG", "image/png", "/classify", fixtures.PNGHeader(5000, 100), 422, "5000x100"},
		{"3000x3000 PNG", "image/png", "/classify", fixtures.PNGHeader(3000, 3000), 422, "3000x3000"},
		{"4x4 PNG", "image/png", "/classify", fixtures.PNGHeader(4, 4), 422, "4x4"},
	} {
		t.Run(c.name, func(t *testing.T) {
			rec := serve(t, h, request{method: "POST", target: c.target, contentType: c.contentType, body: c.body})
			wantError(t, rec, c.status, c.msg)
		})
	}
	// The edge's own pixel limit applies to real images too.
	small := Handler(Config{Model: noModel(t), MaxPixels: 400 * 400})
	wantError(t, serve(t, small, request{method: "POST", target: "/classify", contentType: "image/jpeg", body: jpeg}), 422, "424x424")
}

// nativeResult is what the model package itself answers for data, in the
// JSON form the handler sends.
func nativeResult(t *testing.T, c *model.Classifier, data []byte, withCAM bool) map[string]any {
	t.Helper()
	p, err := c.Classify(data)
	if err != nil {
		t.Fatal(err)
	}
	return jsonRoundTrip(t, p.Result(withCAM))
}

func jsonRoundTrip(t *testing.T, v any) map[string]any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func decodeResult(t *testing.T, rec *httptest.ResponseRecorder) map[string]any {
	t.Helper()
	if rec.Code != 200 {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	var m map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil {
		t.Fatalf("answer is not JSON: %v", err)
	}
	return m
}

func TestClassify(t *testing.T) {
	c := defaultModel(t)
	h := Handler(Config{Model: func() (*model.Classifier, error) { return c, nil }})
	imgs := fixtures.GalaxyJPEGs(t, 4)

	for i, img := range imgs {
		want := nativeResult(t, c, img, false)
		got := decodeResult(t, serve(t, h, request{method: "POST", target: "/classify", contentType: "image/jpeg", body: img}))
		if !reflect.DeepEqual(got, want) {
			t.Errorf("image %d: handler answered\n%v\nnative classifier\n%v", i, got, want)
		}
		if _, ok := got["cam"]; ok {
			t.Errorf("image %d: cam present without ?cam=1", i)
		}
	}

	img := imgs[0]
	want := nativeResult(t, c, img, false)
	// The same answer however the bytes arrive.
	form, ct := fixtures.Multipart(t,
		fixtures.Part{Field: "note", Data: []byte("ignored field before the image")},
		fixtures.Part{Field: "image", Filename: "g.jpg", ContentType: "image/jpeg", Data: img})
	bare, bareCT := fixtures.Multipart(t, fixtures.Part{Field: "image", Filename: "g.jpg", Data: img})
	for _, r := range []request{
		{method: "POST", target: "/classify", contentType: ct, body: form},
		{method: "POST", target: "/classify", contentType: bareCT, body: bare, chunked: true},
		{method: "POST", target: "/classify", contentType: "application/octet-stream", body: img},
		{method: "POST", target: "/classify", contentType: "image/png", body: img}, // format is sniffed
		{method: "POST", target: "/classify", body: img},                           // no Content-Type
		{method: "POST", target: "/classify?cam=0", contentType: "image/jpeg; charset=binary", body: img},
	} {
		got := decodeResult(t, serve(t, h, r))
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s %q: got %v, want %v", r.target, r.contentType, got, want)
		}
	}

	rec := serve(t, h, request{method: "POST", target: "/classify?cam=1", contentType: "image/jpeg", body: img})
	if rec.Header().Get("Cache-Control") != "no-store" {
		t.Errorf("Cache-Control %q", rec.Header().Get("Cache-Control"))
	}
	got := decodeResult(t, rec)
	if wantCAM := nativeResult(t, c, img, true); !reflect.DeepEqual(got, wantCAM) {
		t.Errorf("?cam=1: got %v, want %v", got, wantCAM)
	}
	var withCAM model.Result
	if err := json.Unmarshal(rec.Body.Bytes(), &withCAM); err != nil {
		t.Fatal(err)
	}
	m := withCAM.CAM
	if m == nil || m.Side < 1 || len(m.Values) != m.Side*m.Side || m.Class != withCAM.Class {
		t.Fatalf("cam %+v for class %s", m, withCAM.Class)
	}
	for _, v := range m.Values {
		if v < 0 || v > 1 {
			t.Fatalf("cam value %v outside [0,1]", v)
		}
	}
}

func TestInternalErrors(t *testing.T) {
	img := fixtures.GalaxyJPEGs(t, 1)[0]
	var logged []string
	logf := func(format string, args ...any) { logged = append(logged, format) }

	broken := Handler(Config{Logf: logf, Model: func() (*model.Classifier, error) {
		return nil, model.ErrBadModel
	}})
	wantError(t, serve(t, broken, request{method: "POST", target: "/classify", contentType: "image/jpeg", body: img}), 500, "model")

	panicky := Handler(Config{Logf: logf, Model: func() (*model.Classifier, error) { panic("boom") }})
	wantError(t, serve(t, panicky, request{method: "POST", target: "/classify", contentType: "image/jpeg", body: img}), 500, "internal error")
	// The handler is still usable after a panic.
	if rec := serve(t, panicky, request{method: "GET", target: "/healthz"}); rec.Code != 200 {
		t.Errorf("after panic: healthz %d", rec.Code)
	}
	if len(logged) != 2 {
		t.Errorf("logged %d internal errors, want 2: %q", len(logged), logged)
	}
}

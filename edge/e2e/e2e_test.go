// Package e2e tests the edge classifier over HTTP as it runs in the real
// Workers runtime: `make test-edge` builds the worker, starts workerd on
// 127.0.0.1 and sets HIWL_EDGE_URL. Without that variable the tests skip
// (plain `go test ./...` has no workerd running).
package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hiwl/hiwl/edge/api"
	"github.com/hiwl/hiwl/edge/internal/fixtures"
	"github.com/hiwl/hiwl/model"
)

var baseURL = strings.TrimRight(os.Getenv("HIWL_EDGE_URL"), "/")

// Inference in the worker takes about half a second (see README); the
// timeout only guards against a hung worker. Each request gets its own
// connection: workerd's HTTP server closes a keep-alive connection after
// 5 s without a request as timed by its event loop, which inference blocks,
// so a reused connection can be closed just as the next request goes out
// (see README, "Load test"). Deployed, clients never reach workerd directly.
var client = &http.Client{
	Timeout:   60 * time.Second,
	Transport: &http.Transport{DisableKeepAlives: true},
}

func TestMain(m *testing.M) {
	if baseURL == "" {
		fmt.Println("edge/e2e: HIWL_EDGE_URL not set: SKIPPING the workerd HTTP tests (run `make test-edge`)")
	} else {
		fmt.Println("edge/e2e: testing the worker at", baseURL)
	}
	os.Exit(m.Run())
}

func needWorker(t *testing.T) {
	t.Helper()
	if baseURL == "" {
		t.Skip("HIWL_EDGE_URL not set; run `make test-edge`")
	}
}

type reply struct {
	status int
	header http.Header
	body   []byte
}

// The settings edge/config-test.capnp binds: the tests send one of its API
// keys and its first origin.
const (
	apiKey = "e2e-key-two"
	origin = "https://outreach.example"
)

// do sends one request with an Origin header and an API key; chunked hides
// the body's length; header lists extra name, value pairs (an empty value
// removes a header).
func do(t *testing.T, method, path, contentType string, body []byte, chunked bool, header ...string) reply {
	t.Helper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
		if chunked {
			rd = io.MultiReader(rd)
		}
	}
	req, err := http.NewRequest(method, baseURL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Origin", origin)
	req.Header.Set("Authorization", "Bearer "+apiKey)
	for i := 0; i+1 < len(header); i += 2 {
		if header[i+1] == "" {
			req.Header.Del(header[i])
			continue
		}
		req.Header.Set(header[i], header[i+1])
	}
	res, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("%s %s: reading answer: %v", method, path, err)
	}
	checkCORS(t, method+" "+path, req.Header.Get("Origin"), res)
	return reply{res.StatusCode, res.Header, b}
}

// checkCORS: an answer to an allowed origin allows that origin. The entry
// module's own 500s and 503s (the Go instance gone, or the isolate busy)
// allow any origin: they say nothing about the data.
func checkCORS(t *testing.T, what, sent string, res *http.Response) {
	t.Helper()
	want := sent
	if res.StatusCode == 500 || res.StatusCode == 503 {
		want = "*"
	}
	if sent != origin && sent != "https://zoo.example" {
		want = ""
	}
	if got := res.Header.Get("Access-Control-Allow-Origin"); got != want {
		t.Errorf("%s from %q: Access-Control-Allow-Origin %q, want %q", what, sent, got, want)
	}
}

func wantError(t *testing.T, r reply, status int, msgPart string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
	}
	var e api.Error
	if err := json.Unmarshal(r.body, &e); err != nil || e.Status != status {
		t.Fatalf("error body %q is not the JSON error for %d (%v)", r.body, status, err)
	}
	if !strings.Contains(e.Error, msgPart) {
		t.Errorf("error %q does not mention %q", e.Error, msgPart)
	}
}

func TestRoutes(t *testing.T) {
	needWorker(t)
	r := do(t, "GET", "/", "", nil, false)
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/plain") || !bytes.Contains(r.body, []byte("POST /classify")) {
		t.Fatalf("GET /: %d %s\n%s", r.status, r.header.Get("Content-Type"), r.body)
	}
	if r := do(t, "HEAD", "/", "", nil, false); r.status != 200 || len(r.body) != 0 {
		t.Errorf("HEAD /: %d, %d body bytes", r.status, len(r.body))
	}
	r = do(t, "GET", "/healthz", "", nil, false)
	if r.status != 200 || !bytes.Contains(r.body, []byte(`"status":"ok"`)) {
		t.Fatalf("GET /healthz: %d %s", r.status, r.body)
	}
	wantError(t, do(t, "GET", "/missing", "", nil, false), 404, "/missing")
}

// TestPreflight: the CORS allow-list bound in the test configuration. A
// browser's preflight carries no API key.
func TestPreflight(t *testing.T) {
	needWorker(t)
	for _, o := range []string{origin, "https://zoo.example"} {
		r := do(t, "OPTIONS", "/classify", "", nil, false, "Origin", o, "Authorization", "",
			"Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "authorization, content-type")
		if r.status != http.StatusNoContent {
			t.Fatalf("preflight from %s: %d %s", o, r.status, r.body)
		}
		if m := r.header.Get("Access-Control-Allow-Methods"); !strings.Contains(m, "POST") {
			t.Errorf("Access-Control-Allow-Methods %q", m)
		}
		if h := r.header.Get("Access-Control-Allow-Headers"); !strings.Contains(h, "Authorization") || !strings.Contains(h, "Content-Type") {
			t.Errorf("Access-Control-Allow-Headers %q", h)
		}
		if v := r.header.Get("Vary"); !strings.Contains(v, "Origin") {
			t.Errorf("Vary %q", v)
		}
	}
	// An origin not on the list: its preflight is refused, and a request
	// from it (a browser would not let the page read the answer) does not
	// allow it.
	r := do(t, "OPTIONS", "/classify", "", nil, false, "Origin", "https://elsewhere.example", "Authorization", "",
		"Access-Control-Request-Method", "POST")
	wantError(t, r, http.StatusForbidden, "elsewhere.example")
	if r := do(t, "GET", "/model", "", nil, false, "Origin", "https://elsewhere.example"); r.status != 200 {
		t.Errorf("GET /model from another origin: %d", r.status)
	}
}

// TestAPIKeys: with HIWL_API_KEYS bound, /classify needs one of the keys
// and the other routes stay open.
func TestAPIKeys(t *testing.T) {
	needWorker(t)
	img := fixtures.GalaxyJPEGs(t, 1)[0]
	for _, auth := range []string{"", "Bearer", "Bearer e2e-key", "Bearer e2e-key-three", "e2e-key-two", "Basic ZTJlLWtleS10d28="} {
		r := do(t, "POST", "/classify", "image/jpeg", img, false, "Authorization", auth)
		wantError(t, r, http.StatusUnauthorized, "API key")
		if !strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Bearer") {
			t.Errorf("401 without WWW-Authenticate: Bearer (%q)", r.header.Get("WWW-Authenticate"))
		}
	}
	for _, key := range []string{"e2e-key-one", "e2e-key-two"} {
		result(t, do(t, "POST", "/classify", "image/jpeg", img, false, "Authorization", "Bearer "+key))
	}
	for _, path := range []string{"/healthz", "/model", "/openapi.json", "/"} {
		if r := do(t, "GET", path, "", nil, false, "Authorization", ""); r.status != 200 {
			t.Errorf("GET %s without a key: %d %s", path, r.status, r.body)
		}
	}
}

func TestErrorStatuses(t *testing.T) {
	needWorker(t)
	jpeg := fixtures.GalaxyJPEGs(t, 1)[0]
	overLimit := bytes.Repeat([]byte{0xff}, api.DefaultMaxBodyBytes+1024)
	textForm, textCT := fixtures.Multipart(t, fixtures.Part{Field: "image", Filename: "a.txt", ContentType: "text/plain", Data: []byte("hello")})
	for _, c := range []struct {
		name, method, path, contentType string
		body                            []byte
		chunked                         bool
		status                          int
		msg                             string
	}{
		{"not an image", "POST", "/classify", "image/jpeg", []byte("<html>not a galaxy</html>"), false, 400, "not a JPEG"},
		{"truncated JPEG", "POST", "/classify", "image/jpeg", jpeg[:len(jpeg)/2], false, 400, "truncated"},
		{"empty body", "POST", "/classify", "image/jpeg", []byte{}, false, 400, "empty"},
		{"413 chunked", "POST", "/classify", "application/octet-stream", overLimit, true, 413, "4194304"},
		{"415 text/plain", "POST", "/classify", "text/plain", jpeg, false, 415, "text/plain"},
		{"415 form field type", "POST", "/classify", textCT, textForm, false, 415, "text/plain"},
		{"422 60000x60000 PNG", "POST", "/classify", "image/png", fixtures.PNGHeader(60000, 60000), false, 422, "60000x60000"},
		{"405 GET /classify", "GET", "/classify", "", nil, false, 405, "GET"},
		{"405 DELETE /healthz", "DELETE", "/healthz", "", nil, false, 405, "DELETE"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := do(t, c.method, c.path, c.contentType, c.body, c.chunked)
			wantError(t, r, c.status, c.msg)
			if c.status == 405 && r.header.Get("Allow") == "" {
				t.Errorf("405 without Allow header")
			}
		})
	}
}

// TestDeclaredTooLarge sends only the headers of an upload whose declared
// length is over the limit: the 413 must come back without a byte of the
// body being read. (With the body on the wire, the server answering early
// and closing can reset the connection before a client reads the answer,
// which is why this speaks HTTP/1.1 on a raw connection.)
func TestDeclaredTooLarge(t *testing.T) {
	needWorker(t)
	u, err := url.Parse(baseURL)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.DialTimeout("tcp", u.Host, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(60 * time.Second))
	fmt.Fprintf(conn, "POST /classify HTTP/1.1\r\nHost: %s\r\nContent-Type: image/jpeg\r\nContent-Length: %d\r\nOrigin: %s\r\nAuthorization: Bearer %s\r\n\r\n",
		u.Host, api.DefaultMaxBodyBytes+1, origin, apiKey)
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer before the body was sent: %v", err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	checkCORS(t, "413", origin, res)
	wantError(t, reply{res.StatusCode, res.Header, body}, http.StatusRequestEntityTooLarge, "4194304")
}

// maxInProgress is MAX_IN_PROGRESS in edge/glue/entry.mjs: requests
// admitted at once in the isolate before 503.
const maxInProgress = 64

// holdRequest starts a POST /classify whose body never comes, so that the
// entry module holds it (admitted, waiting for the body) until finish.
type heldRequest struct {
	conn net.Conn
	br   *bufio.Reader
}

const heldBodyBytes = 64

func holdRequest(t *testing.T) *heldRequest {
	t.Helper()
	u, _ := url.Parse(baseURL)
	conn, err := net.DialTimeout("tcp", u.Host, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	conn.SetDeadline(time.Now().Add(2 * time.Minute))
	fmt.Fprintf(conn, "POST /classify HTTP/1.1\r\nHost: %s\r\nContent-Type: image/jpeg\r\nContent-Length: %d\r\nAuthorization: Bearer %s\r\nConnection: close\r\n\r\n", u.Host, heldBodyBytes, apiKey)
	return &heldRequest{conn: conn, br: bufio.NewReader(conn)}
}

// finish sends the rest of the body (not an image) and returns the status.
func (h *heldRequest) finish(t *testing.T) int {
	t.Helper()
	defer h.conn.Close()
	if _, err := h.conn.Write(bytes.Repeat([]byte("x"), heldBodyBytes)); err != nil {
		t.Fatalf("finishing a held request: %v", err)
	}
	res, err := http.ReadResponse(h.br, nil)
	if err != nil {
		t.Fatalf("held request: no answer: %v", err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode
}

// TestBusy checks the entry module's bound on requests in progress: with
// maxInProgress uploads held open, the next request gets a JSON 503; once
// one of them finishes, requests are served again, and the held ones all
// get their own answers.
func TestBusy(t *testing.T) {
	needWorker(t)
	held := make([]*heldRequest, 0, maxInProgress)
	defer func() {
		for _, h := range held {
			h.conn.Close()
		}
	}()
	for range maxInProgress {
		held = append(held, holdRequest(t))
	}
	// The held requests are admitted as workerd gets to them: poll until
	// the bound is reached.
	deadline := time.Now().Add(30 * time.Second)
	var r reply
	for {
		r = do(t, "GET", "/healthz", "", nil, false)
		if r.status != http.StatusOK || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	wantError(t, r, http.StatusServiceUnavailable, "busy")
	if r.header.Get("Retry-After") == "" {
		t.Errorf("503 without Retry-After")
	}
	// The held requests are begun and not ended; the 503 itself counts as
	// both.
	if begun, ended := fetches(t, r); begun-ended < maxInProgress {
		t.Errorf("503 with %d fetches in flight (%d begun, %d ended), want at least the %d held", begun-ended, begun, ended, maxInProgress)
	}
	if st := held[0].finish(t); st != http.StatusBadRequest {
		t.Errorf("held request finished with %d, want 400 (its body is not an image)", st)
	}
	held = held[1:]
	if r := do(t, "GET", "/healthz", "", nil, false); r.status != http.StatusOK {
		t.Fatalf("one below the bound: %d %s", r.status, r.body)
	}
	for _, h := range held {
		if st := h.finish(t); st != http.StatusBadRequest {
			t.Errorf("held request finished with %d, want 400", st)
		}
	}
	held = nil
}

// TestAbandonedRequests: clients that hang up mid-request must not leave
// the entry module's slots taken; the next request still gets an answer.
func TestAbandonedRequests(t *testing.T) {
	needWorker(t)
	img := fixtures.GalaxyJPEGs(t, 1)[0]
	impatient := &http.Client{Timeout: 50 * time.Millisecond}
	var wg sync.WaitGroup
	for range 6 {
		wg.Go(func() {
			req, _ := http.NewRequest("POST", baseURL+"/classify", bytes.NewReader(img))
			req.Header.Set("Content-Type", "image/jpeg")
			req.Header.Set("Authorization", "Bearer "+apiKey)
			if res, err := impatient.Do(req); err == nil {
				res.Body.Close()
			}
		})
	}
	wg.Wait()
	start := time.Now()
	got := result(t, do(t, "POST", "/classify", "image/jpeg", img, false))
	t.Logf("after 6 abandoned requests: %s in %v", got.Class, time.Since(start).Round(time.Millisecond))
}

// result decodes a classification answer.
func result(t *testing.T, r reply) model.Result {
	t.Helper()
	if r.status != 200 {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	var res model.Result
	if err := json.Unmarshal(r.body, &res); err != nil {
		t.Fatalf("answer is not a model.Result: %v: %s", err, r.body)
	}
	return res
}

const tol = 1e-4

func near(a, b float32) bool { return math.Abs(float64(a)-float64(b)) <= tol }

// nearRel is near relative to the size of the values, for the in-domain
// score's distance (tens of units).
func nearRel(a, b float32) bool {
	return math.Abs(float64(a)-float64(b)) <= tol*max(1, math.Abs(float64(b)))
}

// sameResult compares the worker's answer with the native classifier's.
func sameResult(t *testing.T, name string, got, want model.Result) {
	t.Helper()
	if got.Label != want.Label || got.Class != want.Class || got.ModelVersion != want.ModelVersion ||
		got.Hierarchy.ADecision != want.Hierarchy.ADecision || got.Hierarchy.BDecision != want.Hierarchy.BDecision {
		t.Errorf("%s: worker %s/%s/%s (A %s, B %s), native %s/%s/%s (A %s, B %s)", name,
			got.Label, got.Class, got.ModelVersion, got.Hierarchy.ADecision, got.Hierarchy.BDecision,
			want.Label, want.Class, want.ModelVersion, want.Hierarchy.ADecision, want.Hierarchy.BDecision)
	}
	for _, m := range []struct {
		what      string
		got, want map[string]float32
	}{
		{"probabilities", got.Probabilities, want.Probabilities},
		{"hierarchy.a", got.Hierarchy.A, want.Hierarchy.A},
		{"hierarchy.b", got.Hierarchy.B, want.Hierarchy.B},
	} {
		if len(m.got) != len(m.want) {
			t.Errorf("%s: %s has %d entries, want %d", name, m.what, len(m.got), len(m.want))
		}
		for k, w := range m.want {
			if g, ok := m.got[k]; !ok || !near(g, w) {
				t.Errorf("%s: %s[%s] = %v, native %v", name, m.what, k, g, w)
			}
		}
	}
	// The in-domain score: the same flag, and the same numbers to within
	// what the runtimes' features differ by (relative, as the distance is
	// tens of units).
	if got.Domain == nil || want.Domain == nil {
		t.Fatalf("%s: domain %+v, native %+v: want both", name, got.Domain, want.Domain)
	}
	if g, w := got.Domain, want.Domain; g.OutOfDomain != w.OutOfDomain || !nearRel(g.Score, w.Score) || !nearRel(g.Distance, w.Distance) || g.Crowding != w.Crowding || g.Radius != w.Radius {
		t.Errorf("%s: domain %+v, native %+v", name, *g, *w)
	}
	if (got.CAM == nil) != (want.CAM == nil) {
		t.Fatalf("%s: cam present %v, native %v", name, got.CAM != nil, want.CAM != nil)
	}
	if want.CAM != nil {
		g, w := got.CAM, want.CAM
		if g.Class != w.Class || g.Side != w.Side || len(g.Values) != len(w.Values) {
			t.Fatalf("%s: cam %s %dx%d (%d values), native %s %dx%d", name, g.Class, g.Side, g.Side, len(g.Values), w.Class, w.Side, w.Side)
		}
		for i := range w.Values {
			if !near(g.Values[i], w.Values[i]) {
				t.Errorf("%s: cam[%d] = %v, native %v", name, i, g.Values[i], w.Values[i])
				break
			}
		}
	}
}

// TestClassifyMatchesNative sends real Galaxy Zoo JPEGs to the worker and
// compares every number with model.Default() run in this process.
func TestClassifyMatchesNative(t *testing.T) {
	needWorker(t)
	c, err := model.Default()
	if err != nil {
		t.Fatalf("native classifier: %v", err)
	}
	native := func(data []byte, withCAM bool) model.Result {
		p, err := c.Classify(data)
		if err != nil {
			t.Fatal(err)
		}
		return p.Result(withCAM)
	}
	imgs := fixtures.GalaxyJPEGs(t, 6)
	labels := map[string]bool{}
	for i, img := range imgs {
		got := result(t, do(t, "POST", "/classify", "image/jpeg", img, false))
		sameResult(t, fmt.Sprintf("image %d", i), got, native(img, false))
		labels[got.Class] = true
	}
	t.Logf("%d images, classes seen: %v", len(imgs), labels)

	// A video frame from Go's own image test data, the picture issue 29
	// was filed with: out of domain, in the worker as natively.
	frame, err := os.ReadFile(filepath.Join(runtime.GOROOT(), "src", "image", "testdata", "video-001.jpeg"))
	if err != nil {
		t.Fatal(err)
	}
	got := result(t, do(t, "POST", "/classify", "image/jpeg", frame, false))
	sameResult(t, "video frame", got, native(frame, false))
	if got.Domain == nil || !got.Domain.OutOfDomain {
		t.Errorf("video frame: domain %+v, want out of domain", got.Domain)
	}

	img := imgs[1]
	t.Run("cam", func(t *testing.T) {
		got := result(t, do(t, "POST", "/classify?cam=1", "image/jpeg", img, false))
		want := native(img, true)
		sameResult(t, "cam=1", got, want)
		if got.CAM == nil || got.CAM.Side*got.CAM.Side != len(got.CAM.Values) {
			t.Fatalf("cam grid %+v", got.CAM)
		}
	})
	t.Run("multipart", func(t *testing.T) {
		body, ct := fixtures.Multipart(t,
			fixtures.Part{Field: "comment", Data: []byte("from the outreach page")},
			fixtures.Part{Field: "image", Filename: "galaxy.jpg", ContentType: "image/jpeg", Data: img})
		sameResult(t, "multipart", result(t, do(t, "POST", "/classify", ct, body, false)), native(img, false))
	})
	t.Run("octet-stream chunked", func(t *testing.T) {
		got := result(t, do(t, "POST", "/classify", "application/octet-stream", img, true))
		sameResult(t, "chunked", got, native(img, false))
	})
}

// instance is the Go instance that served a reply and how many requests it
// has served, from the entry module's debug headers.
func instance(t *testing.T, r reply) (string, int) {
	t.Helper()
	id := r.header.Get("X-Hiwl-Instance")
	n, err := strconv.Atoi(r.header.Get("X-Hiwl-Instance-Requests"))
	if id == "" || err != nil {
		t.Fatalf("reply %d without instance headers: %v", r.status, r.header)
	}
	return id, n
}

// fetches is the isolate's count of fetches begun and ended, from
// X-Hiwl-Isolate-Fetches.
func fetches(t *testing.T, r reply) (begun, ended int) {
	t.Helper()
	v := r.header.Get("X-Hiwl-Isolate-Fetches")
	if _, err := fmt.Sscanf(v, "%d %d", &begun, &ended); err != nil {
		t.Fatalf("reply %d: X-Hiwl-Isolate-Fetches %q: %v", r.status, v, err)
	}
	return begun, ended
}

// TestInstanceReused: successive requests are served by the same live Go
// instance, which counts them, and the isolate counts each as begun and
// ended.
func TestInstanceReused(t *testing.T) {
	needWorker(t)
	img := fixtures.GalaxyJPEGs(t, 1)[0]
	first := do(t, "POST", "/classify", "image/jpeg", img, false)
	result(t, first)
	id, n := instance(t, first)
	// Earlier tests' abandoned requests may never end (the runtime drops a
	// cancelled fetch without unwinding it), so only the difference is
	// compared: one at a time, it must not change.
	begun, ended := fetches(t, first)
	for i, r := range []reply{
		do(t, "POST", "/classify", "image/jpeg", img, false),
		do(t, "GET", "/healthz", "", nil, false),
		do(t, "GET", "/model", "", nil, false),
	} {
		if r.status != 200 {
			t.Fatalf("request %d: %d %s", i+2, r.status, r.body)
		}
		gotID, gotN := instance(t, r)
		if gotID != id || gotN != n+i+1 {
			t.Errorf("request %d: instance %s (request %d there), want %s (request %d)", i+2, gotID, gotN, id, n+i+1)
		}
		if b, e := fetches(t, r); b != begun+i+1 || b-e != begun-ended {
			t.Errorf("request %d: isolate fetches %d begun, %d ended; want %d begun, %d ended", i+2, b, e, begun+i+1, ended+i+1)
		}
	}
	t.Logf("instance %s served requests %d..%d; the isolate had begun %d fetches and ended %d", id, n, n+3, begun, ended)
}

// TestInstanceFailure kills the Go instance with the test hook: that
// request gets a JSON 500, and the next ones a fresh instance that
// classifies exactly as before. Requests queued behind the failing one
// are not lost.
func TestInstanceFailure(t *testing.T) {
	needWorker(t)
	c, err := model.Default()
	if err != nil {
		t.Fatal(err)
	}
	img := fixtures.GalaxyJPEGs(t, 2)[1]
	p, err := c.Classify(img)
	if err != nil {
		t.Fatal(err)
	}
	want := p.Result(false)
	before := do(t, "GET", "/healthz", "", nil, false)
	oldID, _ := instance(t, before)

	crash := do(t, "POST", "/__test/crash", "", nil, false)
	wantError(t, crash, 500, "instance failed")
	if got := crash.header.Get("X-Hiwl-Instance"); got != oldID {
		t.Errorf("crash answered by instance %q, want the live one %q", got, oldID)
	}
	after := do(t, "GET", "/healthz", "", nil, false)
	newID, n := instance(t, after)
	if after.status != 200 || newID == oldID || n != 1 {
		t.Fatalf("after the crash: %d from instance %s (request %d), want a fresh instance, not %s", after.status, newID, n, oldID)
	}
	r := do(t, "POST", "/classify", "image/jpeg", img, false)
	sameResult(t, "after the crash", result(t, r), want)
	if id, _ := instance(t, r); id != newID {
		t.Errorf("classified by %s, want %s", id, newID)
	}

	// A crash with classifications in flight around it: every one of them
	// is answered, by the old instance or a new one.
	var wg sync.WaitGroup
	replies := make([]reply, 4)
	for i := range replies {
		wg.Go(func() {
			if i == 1 {
				replies[i] = do(t, "POST", "/__test/crash", "", nil, false)
				return
			}
			replies[i] = do(t, "POST", "/classify", "image/jpeg", img, false)
		})
	}
	wg.Wait()
	for i, r := range replies {
		if i == 1 {
			wantError(t, r, 500, "instance failed")
			continue
		}
		sameResult(t, fmt.Sprintf("concurrent request %d", i), result(t, r), want)
	}
	if r := do(t, "GET", "/healthz", "", nil, false); r.status != 200 {
		t.Errorf("after the second crash: %d", r.status)
	}
}

// TestBatch sends several real images and bad ones in one multipart
// request: the answer is in order, the good ones equal the native
// classifier's, each bad one has its own error.
func TestBatch(t *testing.T) {
	needWorker(t)
	c, err := model.Default()
	if err != nil {
		t.Fatal(err)
	}
	imgs := fixtures.GalaxyJPEGs(t, 3)
	body, ct := fixtures.Multipart(t,
		fixtures.Part{Field: "images", Filename: "a.jpg", ContentType: "image/jpeg", Data: imgs[0]},
		fixtures.Part{Field: "images", Filename: "page.html", ContentType: "image/jpeg", Data: []byte("<html>not a galaxy</html>")},
		fixtures.Part{Field: "images", Filename: "b.jpg", ContentType: "image/jpeg", Data: imgs[1]},
		fixtures.Part{Field: "images", Filename: "c.jpg", ContentType: "image/jpeg", Data: imgs[2]},
	)
	r := do(t, "POST", "/classify", ct, body, false)
	if r.status != 200 {
		t.Fatalf("batch: %d %s", r.status, r.body)
	}
	var items []api.BatchItem
	if err := json.Unmarshal(r.body, &items); err != nil || len(items) != 4 {
		t.Fatalf("batch answer is not 4 items (%v): %s", err, r.body)
	}
	good := map[int][]byte{0: imgs[0], 2: imgs[1], 3: imgs[2]}
	for i, it := range items {
		if it.Index != i {
			t.Errorf("item %d has index %d", i, it.Index)
		}
		img, ok := good[i]
		if !ok {
			if it.Status != 400 || it.Result != nil || !strings.Contains(it.Error, "not a JPEG") || it.Filename != "page.html" {
				t.Errorf("bad item %d: %+v", i, it)
			}
			continue
		}
		if it.Status != 200 || it.Result == nil {
			t.Fatalf("item %d: %+v", i, it)
		}
		p, err := c.Classify(img)
		if err != nil {
			t.Fatal(err)
		}
		sameResult(t, fmt.Sprintf("batch item %d", i), *it.Result, p.Result(false))
	}

	many := make([]fixtures.Part, api.MaxBatch+1)
	for i := range many {
		many[i] = fixtures.Part{Field: "images", Filename: "x.jpg", Data: imgs[0][:64]}
	}
	body, ct = fixtures.Multipart(t, many...)
	wantError(t, do(t, "POST", "/classify", ct, body, false), 400, "at most 16")
}

func TestModelAndOpenAPI(t *testing.T) {
	needWorker(t)
	c, err := model.Default()
	if err != nil {
		t.Fatal(err)
	}
	r := do(t, "GET", "/model", "", nil, false)
	var info api.ModelInfo
	if r.status != 200 || json.Unmarshal(r.body, &info) != nil {
		t.Fatalf("GET /model: %d %s", r.status, r.body)
	}
	if info.ModelVersion != c.Version() || info.InputSize != c.InputSize() || len(info.Classes) != model.NumClasses {
		t.Errorf("GET /model %+v; native %s, input %d", info, c.Version(), c.InputSize())
	}
	r = do(t, "GET", "/openapi.json", "", nil, false)
	var doc struct {
		OpenAPI string         `json:"openapi"`
		Paths   map[string]any `json:"paths"`
	}
	if r.status != 200 || json.Unmarshal(r.body, &doc) != nil || doc.Paths["/classify"] == nil || doc.Paths["/model"] == nil {
		t.Fatalf("GET /openapi.json: %d %.200s", r.status, r.body)
	}
	// Every field of a real answer, the in-domain score's included, is
	// documented in the Result schema.
	type schema struct {
		Required   []string          `json:"required"`
		Properties map[string]schema `json:"properties"`
	}
	var schemas struct {
		Components struct {
			Schemas map[string]schema `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(r.body, &schemas); err != nil {
		t.Fatal(err)
	}
	resSchema := schemas.Components.Schemas["Result"]
	ans := do(t, "POST", "/classify", "image/jpeg", fixtures.GalaxyJPEGs(t, 1)[0], false)
	var fields map[string]json.RawMessage
	if ans.status != 200 || json.Unmarshal(ans.body, &fields) != nil {
		t.Fatalf("POST /classify: %d %.200s", ans.status, ans.body)
	}
	for k := range fields {
		if _, ok := resSchema.Properties[k]; !ok {
			t.Errorf("answer field %q is not in the OpenAPI Result schema", k)
		}
	}
	var domain map[string]any
	if err := json.Unmarshal(fields["domain"], &domain); err != nil || len(domain) == 0 {
		t.Fatalf("answer has no domain object: %s", ans.body)
	}
	ds := resSchema.Properties["domain"]
	for k := range domain {
		if _, ok := ds.Properties[k]; !ok {
			t.Errorf("domain field %q is not in the OpenAPI Result schema", k)
		}
	}
	if len(ds.Required) != len(domain) {
		t.Errorf("OpenAPI requires domain fields %v; the answer has %v", ds.Required, domain)
	}
}

// TestNoTestHookInProduction starts a workerd of its own with the
// production configuration (edge/config.capnp, what wrangler.toml
// mirrors): there the crash hook must not exist.
func TestNoTestHookInProduction(t *testing.T) {
	needWorker(t)
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	// Nor may the deployment define the binding that enables it.
	toml, err := os.ReadFile(filepath.Join(root, "edge", "wrangler.toml"))
	if err != nil {
		t.Fatal(err)
	}
	for i, line := range strings.Split(string(toml), "\n") {
		if code, _, _ := strings.Cut(line, "#"); strings.Contains(code, "HIWL_EDGE_TEST_HOOKS") {
			t.Errorf("wrangler.toml line %d defines HIWL_EDGE_TEST_HOOKS: %s", i+1, line)
		}
	}
	prod, first := startWorkerd(t, filepath.Join(root, "edge", "config.capnp"))
	res, err := client.Post(prod+"/__test/crash", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusNotFound {
		t.Fatalf("POST /__test/crash in the production configuration: %d %s", res.StatusCode, body)
	}
	if a, b := first.Header.Get("X-Hiwl-Instance"), res.Header.Get("X-Hiwl-Instance"); a == "" || a != b {
		t.Errorf("instance %q before, %q after: the production instance must be untouched", a, b)
	}

	// Without HIWL_API_KEYS and HIWL_CORS_ORIGINS bound, the API is open to
	// anyone and any origin, as the README says.
	req, _ := http.NewRequest("POST", prod+"/classify", bytes.NewReader(fixtures.GalaxyJPEGs(t, 1)[0]))
	req.Header.Set("Content-Type", "image/jpeg")
	req.Header.Set("Origin", "https://anywhere.example")
	res, err = client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || res.Header.Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("production /classify without a key, from any origin: %d, allow-origin %q: %.200s",
			res.StatusCode, res.Header.Get("Access-Control-Allow-Origin"), body)
	}
}

// startWorkerd serves config (which embeds the built worker, edge/build)
// in a workerd of the test's own at a free port, and returns its URL and
// the answer of its first /healthz. workerd is stopped when the test ends.
func startWorkerd(t *testing.T, config string) (string, *http.Response) {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	cmd := exec.CommandContext(ctx, filepath.Join(root, "node_modules", ".bin", "workerd"),
		"serve", config, "--socket-addr", "http="+addr)
	var log bytes.Buffer
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		cancel()
		if t.Failed() {
			t.Logf("workerd log (%s):\n%s", filepath.Base(config), log.String())
		}
	})
	url := "http://" + addr
	for deadline := time.Now().Add(60 * time.Second); ; {
		first, err := client.Get(url + "/healthz")
		if err == nil {
			first.Body.Close()
			return url, first
		}
		if time.Now().After(deadline) {
			t.Fatalf("workerd with %s did not answer: %v", filepath.Base(config), err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// miniflare starts the built worker in Miniflare (edge/scripts/miniflare.mjs:
// workerd with Cloudflare's local Cache API, which workerd alone does not
// have) with the given text bindings, and returns its URL.
func miniflare(t *testing.T, bindings map[string]string) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(bindings)
	cmd := exec.Command("node", filepath.Join(root, "edge", "scripts", "miniflare.mjs"), string(b))
	cmd.Dir = root
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	cmd.Stderr = &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stdin.Close()
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	})
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if u, ok := strings.CutPrefix(sc.Text(), "url="); ok {
				lines <- u
			}
		}
		close(lines)
	}()
	select {
	case u, ok := <-lines:
		if !ok {
			t.Fatalf("miniflare exited without serving:\n%s", logs.String())
		}
		return strings.TrimRight(u, "/")
	case <-time.After(60 * time.Second):
		t.Fatalf("miniflare did not start in 60 s:\n%s", logs.String())
	}
	return ""
}

// health reads GET /healthz.
func health(t *testing.T, base string) api.Health {
	t.Helper()
	h, _ := healthHeader(t, base)
	return h
}

// healthHeader reads GET /healthz, and its answer's headers.
func healthHeader(t *testing.T, base string) (api.Health, http.Header) {
	t.Helper()
	res, err := client.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var h api.Health
	if err := json.NewDecoder(res.Body).Decode(&h); err != nil || h.Status != "ok" {
		t.Fatalf("GET /healthz: %d %v", res.StatusCode, err)
	}
	return h, res.Header
}

// TestResultCache runs the worker in Miniflare, whose Cache API stores
// for real: the second identical request is a hit, answered without
// inference, with the same body; the attention map and a new image are
// misses; a batch is a hit only when all its images are.
func TestResultCache(t *testing.T) {
	needWorker(t)
	base := miniflare(t, map[string]string{"HIWL_API_KEYS": apiKey})
	imgs := fixtures.GalaxyJPEGs(t, 2)
	post := func(path, ct string, body []byte) (reply, string) {
		t.Helper()
		req, _ := http.NewRequest("POST", base+path, bytes.NewReader(body))
		req.Header.Set("Content-Type", ct)
		req.Header.Set("Authorization", "Bearer "+apiKey)
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode != 200 {
			t.Fatalf("POST %s: %d %s", path, res.StatusCode, b)
		}
		return reply{res.StatusCode, res.Header, b}, res.Header.Get(api.CacheHeader)
	}
	first, c1 := post("/classify", "image/jpeg", imgs[0])
	h1 := health(t, base)
	// The store is the runtime's waitUntil after the answer: allow it a moment.
	var second reply
	var c2 string
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if second, c2 = post("/classify", "image/jpeg", imgs[0]); c2 == "hit" || time.Now().After(deadline) {
			break
		}
	}
	h2 := health(t, base)
	if c1 != "miss" || c2 != "hit" {
		t.Fatalf("X-Hiwl-Cache %q then %q, want miss then hit", c1, c2)
	}
	if !bytes.Equal(first.body, second.body) {
		t.Errorf("the hit's answer differs:\n%s\n%s", second.body, first.body)
	}
	if h1.Inferences < 1 || h2.Inferences != h1.Inferences {
		t.Errorf("inferences %d before the hit and %d after: a hit must cost none", h1.Inferences, h2.Inferences)
	}
	if _, c := post("/classify?cam=1", "image/jpeg", imgs[0]); c != "miss" {
		t.Errorf("the same image with cam=1: %q, want miss", c)
	}
	body, ct := fixtures.Multipart(t,
		fixtures.Part{Field: "images", Filename: "seen.jpg", ContentType: "image/jpeg", Data: imgs[0]},
		fixtures.Part{Field: "images", Filename: "new.jpg", ContentType: "image/jpeg", Data: imgs[1]})
	if _, c := post("/classify", ct, body); c != "miss" {
		t.Errorf("a batch with a new image: %q, want miss", c)
	}
	var c3 string
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if _, c3 = post("/classify", ct, body); c3 == "hit" || time.Now().After(deadline) {
			break
		}
	}
	if c3 != "hit" {
		t.Errorf("the same batch again: %q, want hit", c3)
	}
	t.Logf("inferences: %d before the first hit, %d after; a batch of two seen images was a %s", h1.Inferences, h2.Inferences, c3)
}

// TestAbortedDuringLookup: a client that goes away while the worker waits
// on a result-cache lookup leaves nothing waiting. The runtime cancels
// such a request and drops its pending continuations, so unless the
// entry module and Go act on the request's abort signal, the goroutine
// awaiting the lookup blocks forever, holding the request, and the fetch
// never ends in the isolate's counts. In edge/e2e/testdata/abort.capnp
// every lookup takes 3 s and a front worker aborts requests after 1 s, as
// Cloudflare's front end does when a visitor's connection closes.
func TestAbortedDuringLookup(t *testing.T) {
	needWorker(t)
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	base, _ := startWorkerd(t, filepath.Join(root, "edge", "e2e", "testdata", "abort.capnp"))
	img := fixtures.GalaxyJPEGs(t, 1)[0]
	post := func(abortAfterMS int) (*http.Response, []byte) {
		t.Helper()
		req, _ := http.NewRequest("POST", base+"/classify", bytes.NewReader(img))
		req.Header.Set("Content-Type", "image/jpeg")
		if abortAfterMS > 0 {
			req.Header.Set("X-Test-Abort-After-Ms", strconv.Itoa(abortAfterMS))
		}
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return res, body
	}
	type state struct {
		goroutines   int
		begun, ended int
		instance     string
		inferences   int64
	}
	health := func() state {
		t.Helper()
		h, hdr := healthHeader(t, base)
		s := state{goroutines: h.Goroutines, instance: hdr.Get("X-Hiwl-Instance"), inferences: h.Inferences}
		if _, err := fmt.Sscanf(hdr.Get("X-Hiwl-Isolate-Fetches"), "%d %d", &s.begun, &s.ended); err != nil {
			t.Fatalf("X-Hiwl-Isolate-Fetches %q: %v", hdr.Get("X-Hiwl-Isolate-Fetches"), err)
		}
		return s
	}

	// The instance started, the model loaded, one lookup (a miss) and
	// one classification done.
	if res, body := post(0); res.StatusCode != 200 || res.Header.Get("X-Hiwl-Cache") != "miss" {
		t.Fatalf("first classification: %d %s: %.200s", res.StatusCode, res.Header.Get("X-Hiwl-Cache"), body)
	}
	time.Sleep(300 * time.Millisecond) // the store after the answer (waitUntil) is done
	before := health()
	if before.begun != before.ended {
		t.Fatalf("before: %d fetches begun, %d ended", before.begun, before.ended)
	}

	const aborted = 3
	var wg sync.WaitGroup
	for range aborted {
		wg.Go(func() {
			if _, body := post(1000); !bytes.Contains(body, []byte(`"aborted":true`)) {
				t.Errorf("the client did not abort: %s", body)
			}
		})
	}
	wg.Wait()
	// The lookups would have answered 2 s after the aborts; give them 3.
	time.Sleep(3 * time.Second)
	after := health()
	t.Logf("before %d aborted requests: %+v; after: %+v", aborted, before, after)
	if after.goroutines != before.goroutines {
		t.Errorf("%d goroutines in the Go instance after %d requests aborted during a cache lookup, %d before: requests left waiting in Go",
			after.goroutines, aborted, before.goroutines)
	}
	if after.begun-after.ended != 0 {
		t.Errorf("%d fetches begun, %d ended: aborted requests left hanging in the isolate", after.begun, after.ended)
	}
	if after.begun-before.begun != aborted+1 {
		t.Errorf("%d fetches begun since, want the %d aborted ones and this /healthz", after.begun-before.begun, aborted)
	}
	if after.inferences != before.inferences {
		t.Errorf("inferences %d, %d before: an aborted request was classified for nobody", after.inferences, before.inferences)
	}
	// The instance is the same one, and classifies on.
	res, body := post(0)
	if res.StatusCode != 200 || res.Header.Get("X-Hiwl-Instance") != before.instance {
		t.Errorf("after the aborts: %d from instance %q (was %q): %.200s", res.StatusCode, res.Header.Get("X-Hiwl-Instance"), before.instance, body)
	}
}

// Package api is the HTTP interface of the hiwl edge classifier: routing,
// CORS, bounded reading of uploads, the mapping of bad input to HTTP
// statuses, and JSON answers.
//
// It is written against net/http and the model package only, so the same
// handler runs inside the Cloudflare Workers runtime (through
// github.com/syumai/workers) and as a plain net/http server, and is tested
// natively with httptest.
package api

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"log"
	"net/http"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/hiwl/hiwl/model"
)

// Limits applied before any work is done. The body limit is far above a
// Galaxy Zoo cutout (about 20 KB as JPEG); the pixel limit is tighter than
// the model package's own because a Worker isolate has 128 MB of memory in
// all and the Go runtime, the model and the decoded image share it.
const (
	DefaultMaxBodyBytes = 4 << 20     // whole request body, multipart included
	DefaultMaxSide      = 4096        // longest accepted width or height
	DefaultMaxPixels    = 2048 * 2048 // largest accepted width*height
)

// Config configures Handler. Zero limits take the defaults above.
type Config struct {
	// Model returns the classifier. It is called only by requests that
	// need it (/classify past input checks, /model), never by /healthz, /
	// or rejected input, so that a fresh Go instance answers those
	// without decoding the model.
	Model func() (*model.Classifier, error)
	// InputSize is the model's input side, which decoding needs
	// (model.DecodeFor) before the model has loaded; 0 means the embedded
	// default model's (model.DefaultInputSize).
	InputSize int

	MaxBodyBytes int64
	MaxSide      int
	MaxPixels    int

	// Logf reports internal errors (500s); nil means log.Printf.
	Logf func(format string, args ...any)

	// Env reads the deployment's settings, EnvAPIKeys and EnvCORSOrigins:
	// in the Worker its bindings, natively the process environment. Nil
	// reads nothing: the API is open and any origin may call it.
	Env func(name string) string

	// Cache keeps classification answers by image and model version; nil:
	// none (every answer is a miss).
	Cache ResultCache

	// WasmMemory returns the size of the running WebAssembly instance's
	// memory, for /healthz; nil natively.
	WasmMemory func() int64
}

// Handler returns the edge classifier's HTTP handler:
//
//	GET  /         usage text
//	GET  /healthz  {"status":"ok"}
//	POST /classify image bytes or multipart field "image"; ?cam=1 adds the attention map;
//	               multipart fields "images" (up to MaxBatch) answer an array, item by item
//	GET  /model    model version, classes, input size
//	GET  /openapi.json  the OpenAPI document of this API
//
// /classify needs "Authorization: Bearer KEY" when API keys are set
// (EnvAPIKeys). Every answer carries CORS headers for the origins allowed
// by EnvCORSOrigins (any by default), and OPTIONS answers preflight
// requests on every route.
func Handler(cfg Config) http.Handler {
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if cfg.MaxSide <= 0 {
		cfg.MaxSide = DefaultMaxSide
	}
	if cfg.MaxPixels <= 0 {
		cfg.MaxPixels = DefaultMaxPixels
	}
	if cfg.InputSize <= 0 {
		cfg.InputSize = model.DefaultInputSize()
	}
	if cfg.Logf == nil {
		cfg.Logf = log.Printf
	}
	s := &server{cfg: cfg}
	s.routes = map[string]route{
		"/":             {methods: []string{http.MethodGet, http.MethodHead}, serve: s.usage},
		"/healthz":      {methods: []string{http.MethodGet, http.MethodHead}, serve: s.healthz},
		"/classify":     {methods: []string{http.MethodPost}, serve: s.classify, needsKey: true},
		"/model":        {methods: []string{http.MethodGet, http.MethodHead}, serve: s.modelInfo},
		"/openapi.json": {methods: []string{http.MethodGet, http.MethodHead}, serve: s.openAPI},
	}
	return s
}

type route struct {
	methods  []string
	serve    func(http.ResponseWriter, *http.Request) error
	needsKey bool // refused without a valid API key when keys are set
}

type server struct {
	cfg           Config
	routes        map[string]route
	keys, origins list
	inferences    atomic.Int64 // images classified (not read from the cache), for /healthz
}

// Error is the JSON body of every failed request.
type Error struct {
	Error  string     `json:"error"`
	Status int        `json:"status"`
	Code   model.Code `json:"code,omitempty"` // model.ErrorCode's name, where the image or the model failed
}

// httpError is an error that knows its HTTP status.
type httpError struct {
	status int
	msg    string
	code   model.Code // "" for a fault of the request itself (route, method, body)
}

func (e *httpError) Error() string { return e.msg }

func errorf(status int, format string, args ...any) *httpError {
	return &httpError{status: status, msg: fmt.Sprintf(format, args...)}
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	defer func() {
		// A bug must cost one request a 500, never the server.
		if v := recover(); v != nil {
			s.cfg.Logf("edge: panic serving %s %s: %v\n%s", r.Method, r.URL.Path, v, debug.Stack())
			writeError(w, errorf(http.StatusInternalServerError, "internal error"))
		}
	}()

	originOK := s.allowOrigin(h, r)
	rt, ok := s.routes[r.URL.Path]
	if !ok {
		writeError(w, errorf(http.StatusNotFound, "no route %s; see GET / for usage", r.URL.Path))
		return
	}
	allow := strings.Join(append(append([]string(nil), rt.methods...), http.MethodOptions), ", ")
	if r.Method == http.MethodOptions {
		h.Set("Allow", allow)
		if !originOK {
			writeError(w, errorf(http.StatusForbidden, "origin %q may not call this API from a browser", r.Header.Get("Origin")))
			return
		}
		h.Set("Access-Control-Allow-Methods", allow)
		h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type")
		h.Set("Access-Control-Max-Age", "86400")
		w.WriteHeader(http.StatusNoContent)
		return
	}
	if !slices.Contains(rt.methods, r.Method) {
		h.Set("Allow", allow)
		writeError(w, errorf(http.StatusMethodNotAllowed, "method %s not allowed on %s; allowed: %s", r.Method, r.URL.Path, allow))
		return
	}
	if rt.needsKey && !s.authorized(r) {
		h.Set("WWW-Authenticate", `Bearer realm="hiwl"`)
		writeError(w, errorf(http.StatusUnauthorized, "%s needs an API key: send Authorization: Bearer KEY", r.URL.Path))
		return
	}
	if err := rt.serve(w, r); err != nil {
		var he *httpError
		if !errors.As(err, &he) {
			s.cfg.Logf("edge: %s %s: %v", r.Method, r.URL.Path, err)
			he = errorf(http.StatusInternalServerError, "internal error: %v", err)
			he.code = model.ErrorCode(err)
		}
		writeError(w, he)
	}
}

const usageText = `hiwl edge classifier: five-class Galaxy Zoo morphology with HIWL
(network A: in-between / cigar+edge-on / round / spiral; network B: cigar / edge-on).

POST /classify       body: JPEG, PNG or GIF bytes (Content-Type image/jpeg, image/png,
                     image/gif or application/octet-stream), or multipart/form-data
                     with the file in field "image".
                     ?cam=1 adds the attention map of the predicted class.
                     Answers JSON: label, class, probabilities, hierarchy, domain,
                     model_version. domain.out_of_domain is true when the picture
                     does not look like a Galaxy Zoo-style galaxy cutout.
                     Batch: up to %d files in repeated multipart fields "images"
                     answers a JSON array in order; each item has "status" and
                     either "result" or "error" (a bad image fails alone).
GET  /model          model version, classes and input size.
GET  /openapi.json   OpenAPI 3.1 description of this API.
GET  /healthz        liveness check.

Limits: body %d bytes; image at most %d px per side and %d pixels.
Errors are JSON {"error": ..., "status": ...}: 400 not an image or truncated,
401 API key missing or wrong (only where keys are set: Authorization: Bearer KEY),
413 body too large, 415 unsupported Content-Type, 422 image dimensions out of
range, 405 wrong method, 404 unknown path.
X-Hiwl-Cache: hit on an answer from the result cache (an image seen before), miss otherwise.

Example: curl -H 'Content-Type: image/jpeg' --data-binary @galaxy.jpg '%s/classify?cam=1'
`

func (s *server) usage(w http.ResponseWriter, r *http.Request) error {
	origin := "http://" + r.Host
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" || r.URL.Scheme == "https" {
		origin = "https://" + r.Host
	}
	body := fmt.Sprintf(usageText, MaxBatch, s.cfg.MaxBodyBytes, s.cfg.MaxSide, s.cfg.MaxPixels, origin)
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	w.Write([]byte(body)) //nolint:errcheck // the client went away; nothing to tell it
	return nil
}

// Health is the answer of GET /healthz.
type Health struct {
	Status string `json:"status"`
	// Inferences counts the images this handler (in the Worker: this Go
	// instance) has run through the model; answers from the result cache
	// do not count.
	Inferences int64 `json:"inferences"`
	// Goroutines is runtime.NumGoroutine(): with no request in progress
	// it stays where it was, so a number that only grows is a leak (a
	// request left waiting in Go).
	Goroutines int    `json:"goroutines"`
	Memory     Memory `json:"memory"`
}

// Memory is what the instance can see of its own memory, in bytes.
// Cloudflare counts the isolate's memory (JavaScript heap and WebAssembly
// memory) against 128 MB; V8's own heap figure is not available inside an
// isolate, so it is not here (edge/README.md, "Memory").
type Memory struct {
	// WasmMemory is the WebAssembly instance's linear memory: the Go
	// heap, stacks and runtime all live in it. It only grows. Zero natively.
	WasmMemory int64 `json:"wasm_memory_bytes,omitempty"`
	// GoHeap is the live Go heap (runtime.MemStats.HeapAlloc), GoSys all
	// the memory the Go runtime has obtained (Sys).
	GoHeap uint64 `json:"go_heap_bytes"`
	GoSys  uint64 `json:"go_sys_bytes"`
	// Limit is Cloudflare's memory limit per isolate.
	Limit int64 `json:"isolate_limit_bytes"`
}

// IsolateMemoryLimit is Cloudflare's memory limit per isolate (128 MB).
const IsolateMemoryLimit = 128 << 20

func (s *server) healthz(w http.ResponseWriter, r *http.Request) error {
	// Deliberately does not load the model: in the Workers runtime that
	// would cost a full model parse per health check.
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	h := Health{Status: "ok", Inferences: s.inferences.Load(), Goroutines: runtime.NumGoroutine(),
		Memory: Memory{GoHeap: ms.HeapAlloc, GoSys: ms.Sys, Limit: IsolateMemoryLimit}}
	if s.cfg.WasmMemory != nil {
		h.Memory.WasmMemory = s.cfg.WasmMemory()
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, h)
	return nil
}

func (s *server) classify(w http.ResponseWriter, r *http.Request) error {
	withCAM, err := parseFlag(r.URL.Query().Get("cam"))
	if err != nil {
		return errorf(http.StatusBadRequest, "cam: %v", err)
	}
	up, err := s.readUpload(w, r)
	if err != nil {
		return err
	}
	if up.batch != nil {
		return s.classifyBatch(w, r, up.batch, withCAM)
	}
	a, err := s.answer(r, up.single, withCAM)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set(CacheHeader, hitOrMiss(a.hit))
	writeBody(w, http.StatusOK, a.json)
	return nil
}

// answered is one image's classification: its JSON, and the Result too
// when it was classified now rather than read from the cache.
type answered struct {
	json []byte
	res  *model.Result
	hit  bool
}

// answer classifies data, or reads its answer from the result cache. Bad
// input fails with an *httpError; any other error is internal.
func (s *server) answer(r *http.Request, data []byte, withCAM bool) (answered, error) {
	key := ""
	// Only bytes whose image header reads are looked up, so that input
	// refused by decode never loads the model (for its version).
	if s.cfg.Cache != nil && s.cfg.Cache.Enabled() {
		if _, _, err := image.DecodeConfig(bytes.NewReader(data)); err == nil {
			c, err := s.cfg.Model()
			if err != nil {
				return answered{}, fmt.Errorf("loading model: %w", err)
			}
			key = cacheKey(data, c.Version(), withCAM)
			if b, ok := s.cfg.Cache.Get(r, key); ok {
				return answered{json: b, hit: true}, nil
			}
			// A client gone during the lookup ends it as a miss; its
			// answer would be read by nobody.
			if err := clientGone(r); err != nil {
				return answered{}, err
			}
		}
	}
	img, err := s.decode(data)
	if err != nil {
		return answered{}, err
	}
	c, err := s.cfg.Model()
	if err != nil {
		return answered{}, fmt.Errorf("loading model: %w", err)
	}
	s.inferences.Add(1)
	p, err := c.ClassifyImage(img)
	if err != nil {
		return answered{}, fmt.Errorf("classifying: %w", err)
	}
	res := p.Result(withCAM)
	b, err := json.Marshal(res)
	if err != nil {
		// A NaN from a broken model: never cached.
		return answered{}, fmt.Errorf("encoding answer: %w", err)
	}
	if key != "" {
		s.cfg.Cache.Put(r, key, b)
	}
	return answered{json: b, res: &res}, nil
}

// StatusClientGone answers a request whose client went away while it was
// in progress (its context cancelled: in the Worker, the request's abort
// signal, edge/cfbind): nginx's "client closed request". Nobody reads it;
// what matters is that the request stops there, with no inference.
const StatusClientGone = 499

func clientGone(r *http.Request) error {
	if r.Context().Err() != nil {
		return errorf(StatusClientGone, "the client went away")
	}
	return nil
}

func hitOrMiss(hit bool) string {
	if hit {
		return "hit"
	}
	return "miss"
}

// BatchItem is one element of a batch answer, in the order of the
// request's "images" parts: Result when Status is 200, Error otherwise.
type BatchItem struct {
	Index    int           `json:"index"`
	Filename string        `json:"filename,omitempty"`
	Status   int           `json:"status"`
	Result   *model.Result `json:"result,omitempty"`
	Error    string        `json:"error,omitempty"`
	Code     model.Code    `json:"code,omitempty"`
}

// classifyBatch answers 200 with one item per image: a bad image fails
// alone. Only a failure of the model itself fails the whole batch. Each
// image is looked up in the result cache on its own.
func (s *server) classifyBatch(w http.ResponseWriter, r *http.Request, items []item, withCAM bool) error {
	out := make([]BatchItem, len(items))
	hits, classified := 0, 0
	for i, it := range items {
		if err := clientGone(r); err != nil {
			return err
		}
		out[i] = BatchItem{Index: i, Filename: it.filename}
		fail := func(e *httpError) { out[i].Status, out[i].Error, out[i].Code = e.status, e.msg, e.code }
		if it.err != nil {
			fail(it.err)
			continue
		}
		a, err := s.answer(r, it.data, withCAM)
		if err != nil {
			var he *httpError
			if !errors.As(err, &he) {
				return fmt.Errorf("image %d: %w", i, err)
			}
			fail(he)
			continue
		}
		if a.res == nil {
			a.res = new(model.Result)
			if err := json.Unmarshal(a.json, a.res); err != nil {
				return fmt.Errorf("image %d: cached answer: %w", i, err)
			}
		}
		classified++
		if a.hit {
			hits++
		}
		out[i].Status, out[i].Result = http.StatusOK, a.res
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set(CacheHeader, hitOrMiss(classified > 0 && hits == classified))
	writeJSON(w, http.StatusOK, out)
	return nil
}

// ModelInfo is the answer of GET /model: the model's Description, the one
// the web page gives too, and the edge's batch limit.
type ModelInfo struct {
	model.Description
	MaxBatch int `json:"max_batch"`
}

func (s *server) modelInfo(w http.ResponseWriter, r *http.Request) error {
	c, err := s.cfg.Model()
	if err != nil {
		return fmt.Errorf("loading model: %w", err)
	}
	writeJSON(w, http.StatusOK, ModelInfo{Description: c.Describe(), MaxBatch: MaxBatch})
	return nil
}

//go:embed openapi.json
var openAPI []byte

func (s *server) openAPI(w http.ResponseWriter, r *http.Request) error {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(openAPI)))
	h.Set("Cache-Control", "public, max-age=3600")
	w.WriteHeader(http.StatusOK)
	w.Write(openAPI) //nolint:errcheck // the client went away; nothing to tell it
	return nil
}

// parseFlag reads a boolean query flag; absent means false.
func parseFlag(v string) (bool, error) {
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, fmt.Errorf("want 0 or 1, got %q", v)
	}
	return b, nil
}

// writeJSON encodes before writing, so that a value that cannot be encoded
// (a NaN from a broken model) becomes a 500 rather than half a body.
func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		body, _ = json.Marshal(Error{Error: "internal error: encoding answer: " + err.Error(), Status: status})
	}
	writeBody(w, status, body)
}

// writeBody writes encoded JSON and a newline.
func writeBody(w http.ResponseWriter, status int, body []byte) {
	body = append(body[:len(body):len(body)], '\n')
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	w.Write(body) //nolint:errcheck // the client went away; nothing to tell it
}

func writeError(w http.ResponseWriter, e *httpError) {
	writeJSON(w, e.status, Error{Error: e.msg, Status: e.status, Code: e.code})
}

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
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net/http"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"

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
	// reach inference, never by /healthz, / or rejected input: in the
	// Workers runtime each request starts a fresh Go instance, so a
	// rejected request then costs no model parsing at all.
	Model func() (*model.Classifier, error)

	MaxBodyBytes int64
	MaxSide      int
	MaxPixels    int

	// Logf reports internal errors (500s); nil means log.Printf.
	Logf func(format string, args ...any)
}

// Handler returns the edge classifier's HTTP handler:
//
//	GET  /         usage text
//	GET  /healthz  {"status":"ok"}
//	POST /classify image bytes or multipart field "image"; ?cam=1 adds the attention map
//
// Every answer carries CORS headers allowing any origin, and OPTIONS
// answers preflight requests on every route.
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
	if cfg.Logf == nil {
		cfg.Logf = log.Printf
	}
	s := &server{cfg: cfg}
	s.routes = map[string]route{
		"/":         {methods: []string{http.MethodGet, http.MethodHead}, serve: s.usage},
		"/healthz":  {methods: []string{http.MethodGet, http.MethodHead}, serve: s.healthz},
		"/classify": {methods: []string{http.MethodPost}, serve: s.classify},
	}
	return s
}

type route struct {
	methods []string
	serve   func(http.ResponseWriter, *http.Request) error
}

type server struct {
	cfg    Config
	routes map[string]route
}

// Error is the JSON body of every failed request.
type Error struct {
	Error  string `json:"error"`
	Status int    `json:"status"`
}

// httpError is an error that knows its HTTP status.
type httpError struct {
	status int
	msg    string
}

func (e *httpError) Error() string { return e.msg }

func errorf(status int, format string, args ...any) *httpError {
	return &httpError{status: status, msg: fmt.Sprintf(format, args...)}
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	// Outreach pages on other origins call the classifier from the
	// browser; nothing here depends on cookies, so any origin may.
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("X-Content-Type-Options", "nosniff")
	defer func() {
		// A bug must cost one request a 500, never the server.
		if v := recover(); v != nil {
			s.cfg.Logf("edge: panic serving %s %s: %v\n%s", r.Method, r.URL.Path, v, debug.Stack())
			writeError(w, errorf(http.StatusInternalServerError, "internal error"))
		}
	}()

	rt, ok := s.routes[r.URL.Path]
	if !ok {
		writeError(w, errorf(http.StatusNotFound, "no route %s; see GET / for usage", r.URL.Path))
		return
	}
	allow := strings.Join(append(append([]string(nil), rt.methods...), http.MethodOptions), ", ")
	if r.Method == http.MethodOptions {
		h.Set("Allow", allow)
		h.Set("Access-Control-Allow-Methods", allow)
		h.Set("Access-Control-Allow-Headers", "Content-Type")
		h.Set("Access-Control-Max-Age", "86400")
		w.WriteHeader(http.StatusNoContent)
		return
	}
	if !slices.Contains(rt.methods, r.Method) {
		h.Set("Allow", allow)
		writeError(w, errorf(http.StatusMethodNotAllowed, "method %s not allowed on %s; allowed: %s", r.Method, r.URL.Path, allow))
		return
	}
	if err := rt.serve(w, r); err != nil {
		var he *httpError
		if !errors.As(err, &he) {
			s.cfg.Logf("edge: %s %s: %v", r.Method, r.URL.Path, err)
			he = errorf(http.StatusInternalServerError, "internal error: %v", err)
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
                     Answers JSON: label, class, probabilities, hierarchy, model_version.
GET  /healthz        liveness check.

Limits: body %d bytes; image at most %d px per side and %d pixels.
Errors are JSON {"error": ..., "status": ...}: 400 not an image or truncated,
413 body too large, 415 unsupported Content-Type, 422 image dimensions out of
range, 405 wrong method, 404 unknown path.

Example: curl -H 'Content-Type: image/jpeg' --data-binary @galaxy.jpg '%s/classify?cam=1'
`

func (s *server) usage(w http.ResponseWriter, r *http.Request) error {
	origin := "http://" + r.Host
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" || r.URL.Scheme == "https" {
		origin = "https://" + r.Host
	}
	body := fmt.Sprintf(usageText, s.cfg.MaxBodyBytes, s.cfg.MaxSide, s.cfg.MaxPixels, origin)
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	w.Write([]byte(body)) //nolint:errcheck // the client went away; nothing to tell it
	return nil
}

func (s *server) healthz(w http.ResponseWriter, r *http.Request) error {
	// Deliberately does not load the model: in the Workers runtime that
	// would cost a full model parse per health check.
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	return nil
}

func (s *server) classify(w http.ResponseWriter, r *http.Request) error {
	withCAM, err := parseFlag(r.URL.Query().Get("cam"))
	if err != nil {
		return errorf(http.StatusBadRequest, "cam: %v", err)
	}
	data, err := s.readImage(w, r)
	if err != nil {
		return err
	}
	img, err := s.decode(data)
	if err != nil {
		return err
	}
	c, err := s.cfg.Model()
	if err != nil {
		return fmt.Errorf("loading model: %w", err)
	}
	p, err := c.ClassifyImage(img)
	if err != nil {
		return fmt.Errorf("classifying: %w", err)
	}
	res := p.Result(withCAM)
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, res)
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
	body = append(body, '\n')
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	w.Write(body) //nolint:errcheck // the client went away; nothing to tell it
}

func writeError(w http.ResponseWriter, e *httpError) {
	writeJSON(w, e.status, Error{Error: e.msg, Status: e.status})
}

package bridge

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"runtime/debug"
	"strconv"
)

// Request is an HTTP request as the entry module hands it over.
type Request struct {
	Method string
	URL    string // absolute, as in the JavaScript Request
	Header [][2]string
	// Body is what the entry module read: all of it, or the first
	// MaxBodyBytes+1 bytes of a longer body (enough for the handler's own
	// limit to notice), or nothing when the declared length is already
	// over the limit.
	Body []byte
	// ContentLength is the declared length, -1 when none was declared.
	ContentLength int64
}

// Response is the buffered answer handed back.
type Response struct {
	Status int
	Header [][2]string
	Body   []byte
}

// Do runs h on r and buffers its answer. A panic in h becomes a JSON 500,
// as the api package's own recovery would give, so a handler bug costs one
// request and never the instance.
func Do(h http.Handler, r Request) (res Response) {
	rec := newRecorder()
	defer func() {
		if v := recover(); v != nil {
			log.Printf("edge/bridge: panic serving %s %s: %v\n%s", r.Method, r.URL, v, debug.Stack())
			res = errorResponse(http.StatusInternalServerError, "internal error")
		}
	}()
	req, err := http.NewRequest(r.Method, r.URL, bytes.NewReader(r.Body))
	if err != nil {
		return errorResponse(http.StatusBadRequest, fmt.Sprintf("unreadable request: %v", err))
	}
	for _, kv := range r.Header {
		req.Header.Add(kv[0], kv[1])
	}
	req.Host = req.URL.Host
	req.ContentLength = r.ContentLength
	if r.ContentLength < 0 && len(r.Body) == 0 {
		req.ContentLength = 0
	}
	if req.ContentLength == 0 {
		req.Body = http.NoBody
	}
	h.ServeHTTP(rec, req)
	return rec.response()
}

// recorder is a minimal buffered http.ResponseWriter.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func newRecorder() *recorder { return &recorder{header: http.Header{}} }

func (w *recorder) Header() http.Header { return w.header }

func (w *recorder) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
}

func (w *recorder) Write(p []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	return w.body.Write(p)
}

func (w *recorder) response() Response {
	w.WriteHeader(http.StatusOK)
	res := Response{Status: w.status, Body: w.body.Bytes()}
	for k, vs := range w.header {
		for _, v := range vs {
			res.Header = append(res.Header, [2]string{k, v})
		}
	}
	return res
}

func errorResponse(status int, msg string) Response {
	b, _ := json.Marshal(struct {
		Error  string `json:"error"`
		Status int    `json:"status"`
	}{msg, status})
	body := string(b) + "\n"
	return Response{Status: status, Body: []byte(body), Header: [][2]string{
		{"Content-Type", "application/json; charset=utf-8"},
		{"Content-Length", strconv.Itoa(len(body))},
		{"Access-Control-Allow-Origin", "*"},
	}}
}

//go:build js && wasm

package cfbind

import (
	"bytes"
	"io"
	"net/http"
	"syscall/js"
)

// rawJSBodyWriter is implemented by syumai/workers' ResponseWriter
// (internal/jshttp): a body set this way becomes the JavaScript
// Response's body as it is, with no stream in between.
type rawJSBodyWriter interface {
	WriteRawJSBody(body js.Value)
}

var uint8Array = js.Global().Get("Uint8Array")

// Handler returns h as syumai/workers should serve it: the request's
// headers repaired (joinSplitHeaders), its body taken from the entry
// module (takeBody), its context cancelled when the entry module says the
// request was aborted (withAbort; the handler's waits on JavaScript end
// with it), and the response buffered and handed over as one Uint8Array.
//
// Why buffered: syumai/workers streams a response body out of Go through
// an io.Pipe into a FixedLengthStream, written by a goroutine that waits
// on JavaScript promises for every chunk and for the stream's close, and
// each of those waits leaves a js.Func unreleased (jsutil.AwaitPromise
// releases only the callback that ran). The edge's answers are small JSON
// documents, complete before the first byte is written, so the pump
// costs CPU per request, holds the Go instance across turns of the event
// loop after the handler is done, and leaks a little memory per request
// for nothing (edge/README.md, "syumai/workers against the old bridge").
func Handler(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		takeBody(r)
		r, forget := withAbort(r)
		defer forget()
		joinSplitHeaders(r.Header)
		raw, ok := w.(rawJSBodyWriter)
		if !ok {
			h.ServeHTTP(w, r)
			return
		}
		rec := &recorder{header: w.Header()}
		h.ServeHTTP(rec, r)
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		// Even an empty body goes this way, so that no stream is made;
		// syumai/workers leaves it out for the statuses without a body.
		body := uint8Array.New(rec.body.Len())
		js.CopyBytesToJS(body, rec.body.Bytes())
		raw.WriteRawJSBody(body)
		w.WriteHeader(rec.status)
	})
}

// recorder buffers a response; its header is the real writer's.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

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

// takeBody gives r the body bytes the entry module has already read, from
// the runtime context's hiwlBody, and empties that slot to show they were
// taken. The entry module reads every body itself (bounded, and counted
// against the isolate's buffer limit) before it calls handleRequest, so
// syumai/workers' conversion would read it a second time, out of a
// ReadableStream, one JavaScript promise per chunk (each leaving a
// js.Func unreleased). The slot is safe to share: syumai/workers starts
// the handler's goroutine inside the handleRequest call, and the Go
// runtime runs it until it first waits on JavaScript before that call
// returns, so this runs before the entry module can set the slot for
// another request; the entry module checks that the slot was emptied.
func takeBody(r *http.Request) {
	ctx := js.Global().Get("context")
	b := ctx.Get("hiwlBody")
	if b.Type() != js.TypeObject {
		return // no body read: the request's own, if any, stays
	}
	ctx.Set("hiwlBody", js.Null())
	data := make([]byte, b.Get("byteLength").Int())
	js.CopyBytesToGo(data, b)
	r.Body = io.NopCloser(bytes.NewReader(data))
	if r.ContentLength == 0 && len(data) > 0 {
		r.ContentLength = -1
	}
}

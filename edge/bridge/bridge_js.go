//go:build js && wasm

package bridge

import (
	"net/http"
	"syscall/js"
)

// GlobalName is the property of globalThis through which the entry module
// reaches the running instance.
const GlobalName = "__hiwlEdge"

// Serve publishes h to the entry module as globalThis.__hiwlEdge and never
// returns, which keeps the instance alive for the next call:
//
//	serve(method, url, headers [[k, v]...], body Uint8Array|null, contentLength)
//	  -> {status, headers: [[k, v]...], body: Uint8Array}
//	maxBodyBytes: how much of a body the entry module should read at most
//
// serve runs the handler synchronously inside the call. The handler must
// therefore not wait on JavaScript (no fetch, no timers): the event loop
// is paused until it returns. The edge's handler only computes.
func Serve(h http.Handler, maxBodyBytes int64) {
	uint8Array := js.Global().Get("Uint8Array")
	serve := js.FuncOf(func(_ js.Value, args []js.Value) any {
		if len(args) != 5 {
			return toJS(uint8Array, errorResponse(http.StatusInternalServerError, "internal error: bridge called with wrong arguments"))
		}
		r := Request{Method: args[0].String(), URL: args[1].String(), ContentLength: int64(args[4].Int())}
		hs := args[2]
		for i, n := 0, hs.Length(); i < n; i++ {
			kv := hs.Index(i)
			r.Header = append(r.Header, [2]string{kv.Index(0).String(), kv.Index(1).String()})
		}
		if b := args[3]; b.Truthy() {
			r.Body = make([]byte, b.Get("byteLength").Int())
			js.CopyBytesToGo(r.Body, b)
		}
		return toJS(uint8Array, Do(h, r))
	})
	obj := js.Global().Get("Object").New()
	obj.Set("serve", serve)
	obj.Set("maxBodyBytes", maxBodyBytes)
	js.Global().Set(GlobalName, obj)
	select {}
}

func toJS(uint8Array js.Value, res Response) js.Value {
	headers := make([]any, len(res.Header))
	for i, kv := range res.Header {
		headers[i] = []any{kv[0], kv[1]}
	}
	body := uint8Array.New(len(res.Body))
	js.CopyBytesToJS(body, res.Body)
	return js.ValueOf(map[string]any{"status": res.Status, "headers": headers, "body": body})
}

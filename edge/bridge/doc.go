// Package bridge runs an http.Handler inside one long-lived Go WebAssembly
// instance on behalf of the edge Worker's JavaScript entry module
// (edge/glue/entry.mjs).
//
// The entry module starts one instance per isolate and, for every fetch,
// reads the request body itself (bounded) and calls into the running
// instance synchronously with plain values: method, URL, header pairs,
// body bytes. The handler runs to completion inside that call and the
// buffered response comes back the same way. No JavaScript Request,
// stream or promise crosses into Go, so nothing ties the instance to the
// request that started it, and a second request simply makes a second
// call.
//
// github.com/syumai/workers cannot be used for this: its conversion code is
// internal, its generated worker makes a new instance per request, and its
// Go side closes a package-level channel when the first response body is
// closed. Upstream proposal syumai/workers-go#200 would separate the
// conversion from the lifecycle; see edge/README.md.
//
// Do (this file's half) is plain Go and is tested natively; the js/wasm
// half only moves values between JavaScript and Do.
package bridge

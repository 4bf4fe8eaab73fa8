// Package cfbind connects the edge's net/http handler (edge/api) to the
// Cloudflare Workers runtime through github.com/syumai/workers: the
// deployment's bindings (vars and secrets) as api.Config.Env, the Workers
// Cache API as api.ResultCache, the instance's memory for /healthz, and
// Handler, which fits the handler to syumai/workers' request and response
// conversion.
//
// The JavaScript half is edge/glue/entry.mjs: it starts one Go instance
// per isolate through syumai/workers' wasm_exec.js and runtime module and
// keeps it (see edge/README.md, "One Go instance per isolate").
//
// Everything here except Handler's header repair needs GOOS=js
// GOARCH=wasm; the repair is plain Go and tested natively.
package cfbind

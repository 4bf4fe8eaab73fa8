//go:build js && wasm

package main

import (
	"net/http"
	"runtime/debug"

	"github.com/syumai/workers"

	"github.com/hiwl/hiwl/edge/api"
	"github.com/hiwl/hiwl/edge/cfbind"
)

// main serves the handler through syumai/workers and then blocks forever,
// so that the instance stays for the next request: the entry module
// (glue/entry.mjs) starts one instance per isolate and calls
// binding.handleRequest for every fetch.
func main() {
	// Go's collector runs on the isolate's thread, inside whichever
	// request trips it, so its work is CPU per request. With Go's default
	// (GOGC=100) and a live heap of about 5 MiB it ran every dozen or so
	// classifications (311 kB allocated each); at 400 the worker took
	// 0.948, 0.963 and 0.936 of the CPU per request (make
	// bench-edge-against, 300 pairs, three runs, AMD EPYC). The limit keeps
	// a burst of batches from growing the wasm memory, which never
	// shrinks and counts against the isolate's 128 MB, past about 48 MiB:
	// near it the collector runs as often as it must.
	debug.SetGCPercent(400)
	debug.SetMemoryLimit(48 << 20)
	cfg := config
	cfg.Env = cfbind.Env
	cfg.Cache = cfbind.NewCache(nil)
	cfg.WasmMemory = cfbind.WasmMemory
	var h http.Handler = api.Handler(cfg)
	// Bound only in the test configuration (edge/config-test.capnp);
	// wrangler.toml never defines it.
	if cfbind.Env("HIWL_EDGE_TEST_HOOKS") == "1" {
		h = withTestHooks(h)
	}
	cfbind.SetMaxBodyBytes(cfg.MaxBodyBytes)
	cfbind.InstallAbort()
	workers.ServeNonBlock(cfbind.Handler(h))
	workers.Ready()
	select {}
}

// withTestHooks adds the route the e2e tests use to kill the instance the
// way a runtime failure would: POST /__test/crash panics on a goroutine of
// its own, which no recover reaches, so the Go program exits mid-request
// exactly as on a fatal error or running out of memory.
func withTestHooks(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/__test/crash" || r.Method != http.MethodPost {
			h.ServeHTTP(w, r)
			return
		}
		never := make(chan struct{})
		go func() { panic("edge: instance killed by the /__test/crash test hook") }()
		<-never
	})
}

//go:build js && wasm

package main

import (
	"net/http"
	"os"

	"github.com/hiwl/hiwl/edge/api"
	"github.com/hiwl/hiwl/edge/bridge"
)

func main() {
	var h http.Handler = api.Handler(config)
	// Set only by the entry module, from a binding that only the test
	// configuration (edge/config-test.capnp) defines; wrangler.toml never does.
	if os.Getenv("HIWL_EDGE_TEST_HOOKS") == "1" {
		h = withTestHooks(h)
	}
	bridge.Serve(h, config.MaxBodyBytes)
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

// Command edge is the hiwl classifier as a Cloudflare Worker: the api
// handler served by github.com/syumai/workers. Built for GOOS=js
// GOARCH=wasm it runs in workerd (see edge/README.md); built natively,
// `go run ./edge` serves the same handler on plain net/http at $PORT
// (default 9900) for development.
package main

import (
	"github.com/hiwl/hiwl/edge/api"
	"github.com/hiwl/hiwl/model"
	"github.com/syumai/workers"
)

func main() {
	workers.Serve(api.Handler(api.Config{Model: model.Default}))
}

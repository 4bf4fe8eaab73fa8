// Command edge is the hiwl classifier as a Cloudflare Worker: the api
// handler running in one long-lived Go instance per isolate (package
// bridge, driven by glue/entry.mjs). Built for GOOS=js GOARCH=wasm it runs
// in workerd (see edge/README.md); built natively, `go run ./edge` serves
// the same handler on plain net/http at $PORT (default 9900) for
// development.
package main

import (
	"github.com/hiwl/hiwl/edge/api"
	"github.com/hiwl/hiwl/model"
)

var config = api.Config{Model: model.Default, MaxBodyBytes: api.DefaultMaxBodyBytes}

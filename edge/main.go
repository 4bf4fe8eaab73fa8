// Command edge is the hiwl classifier as a Cloudflare Worker: the api
// handler served through github.com/syumai/workers in one long-lived Go
// instance per isolate, which glue/entry.mjs starts and keeps. Built for
// GOOS=js GOARCH=wasm it runs in workerd (see edge/README.md); built
// natively, `go run ./edge` serves the same handler on plain net/http at
// $PORT (default 9900) for development, with the settings (HIWL_API_KEYS,
// HIWL_CORS_ORIGINS) from the environment.
package main

import (
	"github.com/hiwl/hiwl/edge/api"
	"github.com/hiwl/hiwl/model"
)

var config = api.Config{Model: model.Default, MaxBodyBytes: api.DefaultMaxBodyBytes}

# wasm/wasm.mk: the in-browser classifier (wasm/README.md). Included by the
# root Makefile; every path is relative to the repository root.
#
#   make wasm-build   hiwl.wasm + wasm_exec.js into wasm/static/
#   make test-wasm    Go tests (native, and js/wasm under Node), then the
#                     end-to-end test in headless Chromium
#   make run-wasm     build and serve the page on 127.0.0.1:$(WASM_PORT)
#   make bench-wasm   size, time to first result and latency -> out/bench/wasm.json

WASM_STATIC ?= wasm/static
WASM_PORT ?= 8080
WASM_TMP := build/wasm

.PHONY: wasm-build test-wasm run-wasm bench-wasm

# Built into build/ and renamed into place, so a failed or interrupted build
# never leaves a half-written module where the server would hand it out.
wasm-build:
	@mkdir -p $(WASM_TMP)
	GOOS=js GOARCH=wasm go build -trimpath -ldflags="-s -w" -o $(WASM_TMP)/hiwl.wasm ./wasm
	cp "$$(go env GOROOT)/lib/wasm/wasm_exec.js" $(WASM_TMP)/wasm_exec.js
	mv -f $(WASM_TMP)/hiwl.wasm $(WASM_STATIC)/hiwl.wasm
	mv -f $(WASM_TMP)/wasm_exec.js $(WASM_STATIC)/wasm_exec.js

# The js/wasm package's own tests run under Node with Go's wasm runner.
test-wasm: wasm-build
	go test ./wasm/...
	GOOS=js GOARCH=wasm go vet ./wasm
	GOOS=js GOARCH=wasm go test -exec="$$(go env GOROOT)/lib/wasm/go_js_wasm_exec" ./wasm
	node --test wasm/test/e2e.test.mjs

run-wasm: wasm-build
	go run ./wasm/serve -addr 127.0.0.1:$(WASM_PORT) -dir $(WASM_STATIC)

bench-wasm: wasm-build
	node wasm/test/bench.mjs

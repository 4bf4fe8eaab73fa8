# wasm/wasm.mk: the in-browser classifier (wasm/README.md). Included by the
# root Makefile; every path is relative to the repository root.
#
#   make wasm-build   hiwl.wasm, wasm_exec.js, their .gz/.br and hiwl.json
#                     into wasm/static/
#   make test-wasm    Go tests (native, and js/wasm under Node), then the
#                     end-to-end test in headless Chromium
#   make run-wasm     build and serve the page on 127.0.0.1:$(WASM_PORT)
#   make bench-wasm   size, time to first result and latency -> out/bench/wasm.json

WASM_STATIC ?= wasm/static
WASM_PORT ?= 8080
WASM_TMP := build/wasm

.PHONY: wasm-build test-wasm run-wasm bench-wasm

# WASM_BROTLI is the brotli quality of hiwl.wasm.br: 9 takes a few seconds,
# 11 is ~15% smaller and takes minutes; -1 writes no .br.
WASM_BROTLI ?= 9

# WASM_MAX_BYTES bounds the module: 14.2 MB since gorgonia.org/tensor's
# Dtype no longer promotes reflect's Method and MethodByName (29.0 MB
# before; third_party/gorgonia-tensor/HIWL.md), 7.7 MB since onnx-go's
# copy decodes ONNX without the protobuf runtimes (12.6 MB before;
# third_party/onnx-go/HIWL.md), 6.1 MB since webapi writes its JSON by
# hand and encoding/json is no longer linked (webapi/encode.go).
WASM_MAX_BYTES ?= 7000000

# Built into build/ and renamed into place, so a failed or interrupted build
# never leaves a half-written module where the server would hand it out.
# pack writes the .gz/.br copies and hiwl.json (the version the worker's
# cache is keyed on); hiwl.json moves last, so it never names a module that
# is not in place yet.
wasm-build:
	@mkdir -p $(WASM_TMP)
	GOOS=js GOARCH=wasm go build -trimpath -ldflags="-s -w" -o $(WASM_TMP)/hiwl.wasm ./wasm
	@n=$$(wc -c < $(WASM_TMP)/hiwl.wasm); echo "hiwl.wasm: $$n bytes"; test $$n -le $(WASM_MAX_BYTES) || { \
	  echo "hiwl.wasm is over WASM_MAX_BYTES ($(WASM_MAX_BYTES)): is the linker keeping every exported method again, or is a protobuf runtime or encoding/json linked again? See third_party/gorgonia-tensor/HIWL.md, third_party/onnx-go/HIWL.md and wasm/internal/webapi/encode.go"; exit 1; }
	cp "$$(go env GOROOT)/lib/wasm/wasm_exec.js" $(WASM_TMP)/wasm_exec.js
	go run ./wasm/internal/pack -dir $(WASM_TMP) -brotli $(WASM_BROTLI) hiwl.wasm wasm_exec.js
	for f in hiwl.wasm wasm_exec.js; do \
	  for e in .gz .br; do \
	    if [ -f $(WASM_TMP)/$$f$$e ]; then mv -f $(WASM_TMP)/$$f$$e $(WASM_STATIC)/$$f$$e; else rm -f $(WASM_STATIC)/$$f$$e; fi; \
	  done; \
	  mv -f $(WASM_TMP)/$$f $(WASM_STATIC)/$$f; \
	done
	mv -f $(WASM_TMP)/hiwl.json $(WASM_STATIC)/hiwl.json

# The js/wasm package's own tests run under Node with Go's wasm runner.
test-wasm: wasm-build
	go test ./wasm/...
	GOOS=js GOARCH=wasm go vet ./wasm
	GOOS=js GOARCH=wasm go test -exec="$$(go env GOROOT)/lib/wasm/go_js_wasm_exec" ./wasm ./model/engine/...
	# The JPEG fork's SIMD128 kernel against the scalar code it replaces in wasm.
	GOOS=js GOARCH=wasm go test -exec="$$(go env GOROOT)/lib/wasm/go_js_wasm_exec" -run 'IDCT4x4Store|TestDecodeScaled$$' ./model/internal/jpeg
	# The preprocessing's SIMD128 paths (resize, framing grid) against x/image.
	GOOS=js GOARCH=wasm go test -exec="$$(go env GOROOT)/lib/wasm/go_js_wasm_exec" -run 'TestApproxLumMatchesXImage|TestResizeMatchesXImage' ./model
	node --test wasm/test/e2e.test.mjs wasm/test/many.test.mjs

run-wasm: wasm-build
	go run ./wasm/serve -addr 127.0.0.1:$(WASM_PORT) -dir $(WASM_STATIC)

bench-wasm: wasm-build
	node wasm/test/bench.mjs

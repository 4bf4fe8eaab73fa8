# Makefile fragment of the edge classifier (included by the root Makefile;
# also usable alone: make -f edge/edge.mk test-edge). Paths are relative to
# the repository root.
#
#   edge-build  worker bundle into edge/build/ (glue/entry.mjs, syumai/workers' wasm_exec.js
#               and runtime.mjs, the js/wasm build); EDGE_MODEL=FILE serves that ONNX
#               model instead of the embedded default (for benchmarks: edge/model_file.go)
#   test-edge   unit tests, then the HTTP tests against the worker in workerd
#   run-edge    serve the worker locally in workerd on 127.0.0.1:$(EDGE_PORT)
#   edge-deploy-check  wrangler deploy --dry-run on the built bundle, offline; size vs 64 MiB
#
# The edge's benchmarks (make bench-edge, bench-edge-against) are in the
# harness room: bench/loadtest/loadtest.mk.

EDGE_GO       ?= go
EDGE_PORT     ?= 8787
EDGE_BUILD    := edge/build
EDGE_WORKERD  := node_modules/.bin/workerd
EDGE_MODEL    ?=

.PHONY: edge-build test-edge run-edge edge-deploy-check

# Built next to the target and moved into place, so an interrupted build
# never leaves a half-written bundle that workerd or wrangler would load.
edge-build:
	rm -rf $(EDGE_BUILD).tmp
	mkdir -p $(EDGE_BUILD).tmp
	# syumai/workers' own JS, from the module go.mod requires: its wasm_exec.js
	# (the toolchain's, with the runtime context added; edge/cfbind's tests
	# check that it matches the Go that compiles app.wasm) and its runtime
	# module. Its generated worker.mjs is not used: glue/entry.mjs replaces it.
	$(EDGE_GO) run github.com/syumai/workers/cmd/workers-assets-gen -mode=go -o $(EDGE_BUILD).tmp/gen
	mv $(EDGE_BUILD).tmp/gen/wasm_exec.js $(EDGE_BUILD).tmp/gen/runtime.mjs $(EDGE_BUILD).tmp/
	rm -rf $(EDGE_BUILD).tmp/gen
	cp edge/glue/entry.mjs $(EDGE_BUILD).tmp/entry.mjs
	# EDGE_MODEL: the model file goes where edge/model_file.go embeds it
	# from, only for this build, under the build tag that file needs.
	rm -rf edge/model-file
	$(if $(EDGE_MODEL),mkdir -p edge/model-file && cp $(EDGE_MODEL) edge/model-file/model.onnx)
	GOOS=js GOARCH=wasm $(EDGE_GO) build -trimpath -ldflags='-s -w' $(if $(EDGE_MODEL),-tags hiwl_model_file) -o $(EDGE_BUILD).tmp/app.wasm ./edge
	rm -rf edge/model-file
	rm -rf $(EDGE_BUILD)
	mv $(EDGE_BUILD).tmp $(EDGE_BUILD)
	@echo "edge: app.wasm $$(wc -c < $(EDGE_BUILD)/app.wasm) bytes, $$(gzip -9c $(EDGE_BUILD)/app.wasm | wc -c) gzipped; model: $(if $(EDGE_MODEL),$(EDGE_MODEL),the embedded default)"

test-edge: edge-build
	$(EDGE_GO) test -count=1 ./edge/api ./edge/cfbind ./edge/internal/...
	EDGE_WORKERD_CONFIG=edge/config-test.capnp edge/scripts/with-workerd.sh $(EDGE_GO) test -count=1 -v ./edge/e2e

run-edge: edge-build
	@echo "edge: serving on http://127.0.0.1:$(EDGE_PORT) (Ctrl-C stops)"
	$(EDGE_WORKERD) serve edge/config.capnp --socket-addr http=127.0.0.1:$(EDGE_PORT)

edge-deploy-check: edge-build
	edge/scripts/deploy-check.sh

# bench/crossruntime/crossruntime.mk: every runtime against onnxruntime
# (bench/crossruntime). Included by the root Makefile; every path is
# relative to the repository root. Needs wasm-build (wasm/wasm.mk) and
# edge-build (edge/edge.mk), so include those fragments too.
#
#   make bench-crossruntime  latency, cold start, memory, sizes, training
#                            throughput, FLOP floor, CPU profile ->
#                            docs/benchmarks.md and out/bench/results.json
#   make test-parity         every runtime's probabilities on 8 images agree
#                            within 1e-4 (gorgonia, onnx-go, wasm, edge,
#                            onnxruntime-node, onnxruntime-web)

CROSS_GO ?= go
CROSS_ARGS ?=

.PHONY: bench-crossruntime test-parity

bench-crossruntime: wasm-build edge-build
	$(CROSS_GO) run ./bench/crossruntime/cmd/crossbench $(CROSS_ARGS)

test-parity: wasm-build edge-build
	HIWL_PARITY=1 $(CROSS_GO) test -count=1 -v -run 'TestParity|TestGorgoniaMatchesONNXGo' ./bench/crossruntime

# bench/loadtest/loadtest.mk: the edge worker's benchmarks in workerd
# (bench/loadtest). Included by the root Makefile after edge/edge.mk, whose
# edge-build, EDGE_GO, EDGE_BUILD and EDGE_WORKERD it uses; every path is
# relative to the repository root.
#
#   bench-edge  cold start, one-at-a-time latency and CPU (early, and steady after
#               1,000 classifications, V8's tier-up over), the bounded load
#               test (10,000 requests at 32 concurrent, every 32nd a batch of 16
#               images; memory from the process, /healthz and V8 through workerd's
#               inspector) in workerd, then 3,000 over 2 workerd processes (one
#               per core) -> out/bench/edge.json; EDGE_MODEL=FILE runs it all on the worker
#               built with that ONNX model instead of the embedded default, and the
#               native reference with it too
#   bench-edge-model  EDGE_MODEL=FILE: the worker with the embedded default model against
#               the same worker built with FILE, one request at a time, alternately,
#               each beside its model's native reference timed in the same minutes
#               -> out/bench/edge-model.json
#   bench-edge-against  this working tree's worker against commit EDGE_AGAINST's (default
#               HEAD), one request at a time, alternately, in two workerd processes
#               -> out/bench/edge-against.json

EDGE_BENCH_N  ?= 10000
EDGE_BENCH_C  ?= 32
EDGE_BENCH_SEQ ?= 200
EDGE_BENCH_COLD ?= 3
EDGE_BENCH_MAX ?= 60m
EDGE_BENCH_PROCS ?= 2
EDGE_BENCH_PROCS_N ?= 3000
EDGE_BENCH_BATCH_EVERY ?= 32
EDGE_BENCH_INSPECTOR ?= 1
EDGE_AGAINST  ?= HEAD
EDGE_AGAINST_PAIRS ?= 300
EDGE_MODEL_PAIRS ?= 200
EDGE_MODEL_BUILD := out/edge-model/build
LOADTEST_BIN  := out/bin/loadtest

.PHONY: bench-edge bench-edge-against bench-edge-model

bench-edge: edge-build
	mkdir -p out/bench out/bin
	$(EDGE_GO) build -o $(LOADTEST_BIN) ./bench/loadtest
	EDGE_WORKERD_INSPECTOR=$(EDGE_BENCH_INSPECTOR) edge/scripts/with-workerd.sh $(LOADTEST_BIN) -n $(EDGE_BENCH_N) -c $(EDGE_BENCH_C) \
		-seq $(EDGE_BENCH_SEQ) -cold-runs $(EDGE_BENCH_COLD) -max-duration $(EDGE_BENCH_MAX) \
		-procs $(EDGE_BENCH_PROCS) -procs-n $(EDGE_BENCH_PROCS_N) -batch-every $(EDGE_BENCH_BATCH_EVERY) \
		-workerd $(EDGE_WORKERD) -config edge/config.capnp -build $(EDGE_BUILD) -model '$(EDGE_MODEL)' -out out/bench/edge.json

bench-edge-against: edge-build
	mkdir -p out/bin
	$(EDGE_GO) build -o $(LOADTEST_BIN) ./bench/loadtest
	bench/loadtest/against.sh $(EDGE_AGAINST) $(EDGE_AGAINST_PAIRS)

# The default-model worker is edge/build (edge-build without EDGE_MODEL);
# the EDGE_MODEL one is built into $(EDGE_MODEL_BUILD) by the same recipe.
bench-edge-model:
	@test -n '$(EDGE_MODEL)' || { echo 'bench-edge-model: set EDGE_MODEL=FILE (an ONNX model)'; exit 2; }
	$(MAKE) --no-print-directory -f edge/edge.mk edge-build EDGE_MODEL=
	$(MAKE) --no-print-directory -f edge/edge.mk edge-build EDGE_BUILD=$(EDGE_MODEL_BUILD) EDGE_MODEL='$(EDGE_MODEL)'
	mkdir -p out/bench out/bin
	$(EDGE_GO) build -o $(LOADTEST_BIN) ./bench/loadtest
	edge/scripts/with-workerd.sh $(LOADTEST_BIN) -n 0 -seq 0 -cold-runs 0 -procs 1 \
		-against $(EDGE_MODEL_BUILD) -against-model '$(EDGE_MODEL)' -pairs $(EDGE_MODEL_PAIRS) \
		-workerd $(EDGE_WORKERD) -config edge/config.capnp -build $(EDGE_BUILD) -out out/bench/edge-model.json

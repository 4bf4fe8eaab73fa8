# hiwl: galaxy morphology classification (HIWL) in Go, everywhere.
#
#   make run     build the in-browser classifier and serve it on 127.0.0.1:8080
#   make test    every test: Go packages, headless Chromium, workerd, Xvfb viewer
#   make bench   every runtime against onnxruntime (docs/benchmarks.md, under 10 minutes)
#   make catalogue  the Beam pipeline (catalogue/) on Prism over ../shared, beside classify
#
# Parts add their own targets through the fragments included below.
# `make test` installs what it needs first (scripts/install-test-deps.sh:
# Debian packages, npm ci, Go modules; idempotent and quick once done).
# `make run` needs nothing but Go.

# go.mod needs Go 1.27.3 and the engine's SIMD kernels need the simd
# experiment. A machine starts on its own Go and ignores go.mod's toolchain
# line, so both are exported for every recipe (the module proxy serves the
# toolchain).
export GOTOOLCHAIN ?= go1.27.3
export GOEXPERIMENT ?= simd

GO ?= go
SYNTH ?= data/synth
RUN ?= runs/default
SYNTH_N ?= 6000

-include wasm/wasm.mk
-include edge/edge.mk
-include viewer/viewer.mk
-include bench/crossruntime/crossruntime.mk
-include bench/loadtest/loadtest.mk
-include catalogue/catalogue.mk

.PHONY: run test test-deps test-go vet bench bench-classify fuzz data default-model default-version realcheck domaincheck ablation learning-curve pretrained-weights

run: run-wasm

test: test-deps
	$(MAKE) --no-print-directory vet test-go test-wasm test-edge test-viewer test-parity test-catalogue

# Chromium, Xvfb, the X11/GL headers (ebiten's cgo), node_modules, Go
# modules. Run first and on its own: vet already needs the headers.
test-deps:
	scripts/install-test-deps.sh

vet:
	$(GO) vet ./...

# Packages that open a window skip without a display; test-viewer runs them
# under Xvfb instead.
test-go:
	$(GO) test -count=1 $(filter-out $(VIEWER_XVFB_PKGS),$(shell $(GO) list ./...))
	# The engine's pure-Go kernels, as a build without the experiment runs them.
	GOEXPERIMENT= $(GO) test -count=1 ./model/engine/...

# Every runtime against onnxruntime in one run (docs/benchmarks.md). The
# edge load test (make bench-edge, 10,000 requests) is kept separate.
bench: test-deps
	$(MAKE) --no-print-directory bench-crossruntime bench-classify

# The batch classifier on the 600 real 424x424 validation JPEGs in ../shared,
# CSV to a file: -j 1 (the reference) and one worker per core, in images/s.
bench-classify:
	$(GO) test -run '^$$' -bench Batch -benchtime 1x ./model/cmd/classify

# Each fuzz target for FUZZTIME (go test -fuzz takes one target per run).
# The committed corpora (testdata/fuzz/) also run as plain tests in test-go.
# FUZZMINIMIZE bounds the time go test spends shrinking each input that
# reached new code: by default 60 s, during which the exec count stands still
# (FuzzLoad seemed to stall after its first finds: it was minimising 900-byte
# models, one Load per candidate). A failing input is written either way.
FUZZTIME ?= 60s
FUZZMINIMIZE ?= 5s
FUZZ_TARGETS := ./model:FuzzDecodePreprocess ./model:FuzzLoad ./model/engine:FuzzDecodeONNX ./model/internal/jpeg:FuzzSameAsImageJPEG ./model/internal/jpeg:FuzzDecodeScaled ./trainer/gzdata:FuzzRead ./trainer/gzdata:FuzzLoadFolders ./edge/api:FuzzClassifyRequest
fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do \
		echo "fuzz: $${t#*:} in $${t%%:*} for $(FUZZTIME)"; \
		$(GO) test -run '^$$' -fuzz "^$${t#*:}$$" -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINIMIZE) $${t%%:*}; \
	done

# The default model: full HIWL on MBConv backbones started from MobileNetV2's
# ImageNet weights (issue 28), about 2 h 30 min on 2 CPU cores, in runs that
# each resume (run the same command again after an interruption):
#   $(RUN)-base  the first MBConv pair (SiLU, squeeze-excitation, random
#                start) on the labelled training split, then calibrated on
#                validation: the second teacher;
#   $(RUN)-pre   the MobileNetV2 pair ($(PRE_A), B the same blocks with a
#                narrower top; `trainer pretrained` copies MobileNetV2's first
#                seven blocks into both) on the training split, the extra
#                labelled images and the unlabelled ones on which the two
#                teachers' mean is at least 0.9 sure (their probabilities
#                are the targets); the first teacher is the residual model
#                of $(RESIDUAL_TEACHER) (hiwl-bf9f620b474e, trained on the
#                same training split; read from git history, so not from a
#                shallow clone);
#   $(RUN)-att   8 epochs more of both with the attention penalty;
#   $(RUN)       its network A as it is, and network B trained again from
#                A's weights (-init-b-from-a) with the penalty; then
#                calibrated and given the in-domain fit.
# Validation chooses each network's epoch and fits the temperatures; the
# test split is untouched. The commands and their metrics are in the
# README and docs/model-card.md. The recipe of the model before
# (hiwl-2b958b611b59: random start, SiLU) is in the model card.
REAL ?= ../shared/data/gz-challenge-5class
EXTRA ?= ../shared/data/gz-challenge-5class-extra
UNLABELLED ?= ../shared/data/gz-challenge-unlabelled
RESIDUAL_TEACHER ?= f9b3a14
MB_A ?= 80:s16k3/2,m16e1k3q4,m24e4k3/2q6,m24e4k3q6,m40e4k5/2q10,m40e4k5q10,m64e4k3q16,t128
MB_B ?= 80:s16k3/2,m16e1k3q4,m24e4k3/2q6,m40e4k5/2q10,m48e4k3q12,t96
MB_B_FROM_A ?= 80:s16k3/2,m16e1k3q4,m24e4k3/2q6,m24e4k3q6,m40e4k5/2q10,m40e4k5q10,t96
# MobileNetV2's stem and first seven blocks (ReLU6, expansion 6, no
# squeeze-excitation) at 64 px, a top of its own: 37.9 MFLOP for A and B.
PRE_A ?= 64:relu6:s32k3/2,m16e1k3,m24e6k3/2,m24e6k3,m32e6k3/2,m32e6k3,m32e6k3,t128
PRE_B ?= 64:relu6:s32k3/2,m16e1k3,m24e6k3/2,m24e6k3,m32e6k3/2,m32e6k3,m32e6k3,t96
# The attention penalty's weight in the last two runs (issue 28: 0.3 kept
# validation accuracy and moved maps onto the galaxy; 1 put every map there
# on the model before but cost 5 validation images).
ATTENTION ?= 0.3
MORE_DATA = -extra-data $(EXTRA) -unlabelled $(UNLABELLED) -teacher $(RUN)-residual.onnx,$(RUN)-base/calibrated.onnx -pseudo-confidence 0.9
resume = $(if $(wildcard $(1)/checkpoint.gob),-resume)

default-model: pretrained-weights
	$(GO) run ./trainer train -data $(REAL) -out $(RUN)-base -arch $(MB_A) -arch-b $(MB_B) -model-version 4 $(call resume,$(RUN)-base)
	test -f $(RUN)-base/calibrated.onnx || $(GO) run ./trainer calibrate -data $(REAL) -model $(RUN)-base/model.onnx -out $(RUN)-base/calibrated.onnx
	test -f $(RUN)-residual.onnx || { git show $(RESIDUAL_TEACHER):model/default.onnx > $(RUN)-residual.onnx.tmp && mv $(RUN)-residual.onnx.tmp $(RUN)-residual.onnx; }
	test -f $(RUN)-init.onnx || $(GO) run ./trainer pretrained -weights $(PRETRAINED) -arch $(PRE_A) -arch-b $(PRE_B) -out $(RUN)-init.onnx
	$(GO) run ./trainer train -data $(REAL) $(MORE_DATA) -out $(RUN)-pre -arch $(PRE_A) -arch-b $(PRE_B) -model-version 4 -init-from $(RUN)-init.onnx $(call resume,$(RUN)-pre)
	$(GO) run ./trainer train -data $(REAL) $(MORE_DATA) -out $(RUN)-att -arch $(PRE_A) -arch-b $(PRE_B) -model-version 4 -init-from $(RUN)-pre/model.onnx -attention $(ATTENTION) -epochs 8 -lr 0.001 $(call resume,$(RUN)-att)
	$(GO) run ./trainer train -data $(REAL) $(MORE_DATA) -out $(RUN) -arch $(PRE_A) -arch-b $(PRE_B) -model-version 4 -reuse-a $(RUN)-att/checkpoint.gob -init-b-from-a -attention $(ATTENTION) $(call resume,$(RUN))
	$(GO) run ./trainer calibrate -data $(REAL) -model $(RUN)/model.onnx -out $(RUN)/calibrated.onnx
	$(GO) run ./trainer domain -data $(REAL) -model $(RUN)/calibrated.onnx -out model/default.onnx
	$(MAKE) --no-print-directory default-version
	cp $(addprefix $(RUN)/,confusion.png curves.png embedding.png metrics.json) docs/
	cp $(RUN)/summary.json docs/training-summary.json
	$(GO) run ./trainer realcheck -out docs/realcheck > docs/realcheck.txt
	$(MAKE) --no-print-directory domaincheck

# The ablation on the shipped backbone (issue 28), at a reduced recipe: every
# run starts from MobileNetV2's ImageNet weights ($(RUN)-init.onnx) and
# trains 20 epochs at lr 0.01 without the attention penalty, on the default
# model's data and teachers (run default-model's first four commands first).
# Each run takes one technique out; each resumes. The flat run takes A's
# pretrained backbone and a 5-way head of its own. Metrics:
# $(ABL)/*/metrics.json (docs/ablation-pretrained/). The random-start MBConv
# backbone's table (docs/ablation-mbconv/) came from the same five runs on
# $(MB_A) at 64 px.
ABL ?= runs/abl
ABL_TRAIN = $(GO) run ./trainer train -data $(REAL) -epochs 20 -lr 0.01 -attention 0 -model-version 4 -init-from $(RUN)-init.onnx -arch $(PRE_A)

ablation:
	$(ABL_TRAIN) $(MORE_DATA) -arch-b $(PRE_B) -out $(ABL)/full $(call resume,$(ABL)/full)
	$(ABL_TRAIN) $(MORE_DATA) -arch-b $(PRE_B) -no-weighted -reuse-a $(ABL)/full/checkpoint.gob -out $(ABL)/noweighted $(call resume,$(ABL)/noweighted)
	$(ABL_TRAIN) $(MORE_DATA) -arch-b $(PRE_B) -smoothing 0 -out $(ABL)/nosmooth $(call resume,$(ABL)/nosmooth)
	$(ABL_TRAIN) -extra-data $(EXTRA) -arch-b $(PRE_B) -out $(ABL)/nounlabelled $(call resume,$(ABL)/nounlabelled)
	$(ABL_TRAIN) $(MORE_DATA) -flat -out $(ABL)/flat $(call resume,$(ABL)/flat)

# The learning curve (issue 28): the ablation's reduced recipe on a share
# of each class of the labelled training split (-train-fraction; nested
# for one seed), without the extra or the unlabelled images, for each of
# CURVE_SEEDS; then `trainer curve` scores every run on validation and
# test and fits accuracy against log2(images): docs/learning-curve.png and
# .json. A share f trains 20/f epochs, so every run takes as many steps
# down the same schedule and a smaller share is short of data, not of
# training (at 20 epochs an eighth of the images reached 57 % on
# validation). Each run resumes. About 8 min a run on 2 cores (AMD EPYC).
CURVE ?= runs/curve
CURVE_FRACTIONS ?= 0.25 0.5 1
CURVE_SEEDS ?= 1 2
learning-curve: pretrained-weights
	mkdir -p $(CURVE)
	test -f $(RUN)-init.onnx || $(GO) run ./trainer pretrained -weights $(PRETRAINED) -arch $(PRE_A) -arch-b $(PRE_B) -out $(RUN)-init.onnx
	$(GO) build -o $(CURVE)/trainer ./trainer
	set -e; for s in $(CURVE_SEEDS); do for f in $(CURVE_FRACTIONS); do \
		d=$(CURVE)/f$$f-s$$s; r=$$(test -f $$d/checkpoint.gob && echo -resume || true); \
		e=$$(awk "BEGIN { print int(20 / $$f + 0.5) }"); \
		test -f $$d/summary.json || $(CURVE)/trainer train -data $(REAL) -epochs $$e -lr 0.01 -attention 0 -model-version 4 -init-from $(RUN)-init.onnx \
			-arch $(PRE_A) -arch-b $(PRE_B) -train-fraction $$f -init-seed $$s -out $$d $$r; \
	done; done
	$(CURVE)/trainer curve -data $(REAL) -out docs/learning-curve.png $(foreach s,$(CURVE_SEEDS),$(foreach f,$(CURVE_FRACTIONS),$(CURVE)/f$(f)-s$(s)))

# MobileNetV2's ImageNet weights as npm's nsfwjs 4.4.0 (MIT) bundles them,
# unpacked into the TF.js layers format for `trainer pretrained`
# (trainer/pretrained). npm serves the package; nothing else is fetched.
PRETRAINED ?= build/mobilenet_v2
pretrained-weights: $(PRETRAINED)/model.json
$(PRETRAINED)/model.json: scripts/mobilenet-v2-weights.mjs
	mkdir -p build/nsfwjs
	cd build/nsfwjs && npm pack nsfwjs@4.4.0 >/dev/null && tar xzf nsfwjs-4.4.0.tgz
	node scripts/mobilenet-v2-weights.mjs build/nsfwjs/package $(PRETRAINED)

# The in-domain score on real cutouts and held-out non-galaxies
# (docs/domaincheck.txt). The photographs are scikit-image's sample images
# from Debian's python3-skimage, unpacked without installing it.
domaincheck:
	test -d out/negatives/skimage || scripts/negatives-photos.sh out/negatives
	$(GO) run ./trainer domaincheck -photos out/negatives/skimage,$$($(GO) env GOROOT)/src/image/testdata -png docs/domaincheck.png > docs/domaincheck.txt.tmp
	mv docs/domaincheck.txt.tmp docs/domaincheck.txt

# model/default_version.go: the embedded model's version, fixed at build
# time so that no runtime hashes 1 MB at start-up (TestDefaultVersion).
default-version:
	v=$$(sha256sum model/default.onnx | cut -c1-12) && \
	printf '// Code generated by make default-version; DO NOT EDIT.\n\npackage model\n\n// defaultVersion is versionOf(default.onnx), fixed at build time\n// (TestDefaultVersion checks it).\nconst defaultVersion = "hiwl-%s"\n' $$v > model/default_version.go.tmp && \
	mv model/default_version.go.tmp model/default_version.go

# Procedural galaxies (trainer/galaxygen), for tests and experiments.
data: $(SYNTH)/training_solutions_rev1.csv
$(SYNTH)/training_solutions_rev1.csv:
	$(GO) run ./trainer generate -out $(SYNTH) -n $(SYNTH_N) -seed 1

realcheck:
	$(GO) run ./trainer realcheck

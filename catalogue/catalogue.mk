# The catalogue pipeline on Apache Beam (catalogue/, a Go module of its
# own so that Beam's modules stay out of the root module's builds).

.PHONY: test-catalogue build-catalogue catalogue

# vet and the tests of the pipeline package, Prism in process included
# (make test runs this). The command (cmd/catalogue) links the Dataflow,
# GCS and S3 clients, which take minutes of CPU to compile on a fresh
# machine for no test: build-catalogue checks it.
test-catalogue:
	cd catalogue && $(GO) vet . && $(GO) test -count=1 .

build-catalogue:
	cd catalogue && $(GO) vet ./... && $(GO) build -o /dev/null ./cmd/catalogue

# The pipeline over the 2,535 real images in ../shared beside classify -j 2,
# as a ratio, with peak memory and a check that the rows are identical
# (the report is also written to out/catalogue/bench.txt).
catalogue:
	REAL=$(REAL) GO=$(GO) catalogue/bench.sh

# The catalogue pipeline on Apache Beam (catalogue/, a Go module of its
# own so that Beam's modules stay out of the root module's builds).

.PHONY: test-catalogue catalogue

# vet and the tests, Prism in process included (make test runs this).
test-catalogue:
	cd catalogue && $(GO) vet ./... && $(GO) test -count=1 ./...

# The pipeline over the 2,535 real images in ../shared beside classify -j 2,
# as a ratio, with peak memory and a check that the rows are identical
# (the report is also written to out/catalogue/bench.txt).
catalogue:
	REAL=$(REAL) GO=$(GO) catalogue/bench.sh

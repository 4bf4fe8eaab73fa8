package api

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/hiwl/hiwl/edge/internal/fixtures"
	"github.com/hiwl/hiwl/model"
)

// These benchmarks split the cost of one /classify request: the model
// decoding the Worker pays once per Go instance (once per isolate), and
// the per-request work. Run them natively, or under V8 (Workers' engine) with
//
//	GOOS=js GOARCH=wasm go test -exec "$(go env GOROOT)/lib/wasm/go_js_wasm_exec" -run '^$' -bench . ./edge/api
//
// workerd runs wasm with explicit bounds checks (edge/README.md,
// "Measured"); node --wasm-enforce-bounds-checks on the test binary
// (GOOS=js GOARCH=wasm go test -c) does the same. With HIWL_BENCH_MODEL=FILE
// they measure that ONNX model instead of the embedded default (e.g. the
// stand-in of `go run ./trainer standin -out FILE`), as model/engine's
// BenchmarkModelFile does.

// benchClassifier is the model the benchmarks measure: $HIWL_BENCH_MODEL,
// or the embedded default.
func benchClassifier(b *testing.B) *model.Classifier {
	c, err := model.Open(os.Getenv("HIWL_BENCH_MODEL"))
	if err != nil {
		b.Fatal(err)
	}
	return c
}

// BenchmarkModelLoad is the model parse paid once per instance
// (model.Load includes one trial inference; model.Default skips it).
func BenchmarkModelLoad(b *testing.B) {
	onnx := model.DefaultONNX()
	if path := os.Getenv("HIWL_BENCH_MODEL"); path != "" {
		var err error
		if onnx, err = os.ReadFile(path); err != nil {
			b.Fatal(err)
		}
	}
	for b.Loop() {
		if _, err := model.Load(onnx); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkInference is the network alone on a preprocessed input: the
// trial run inside model.Load costs about this much.
func BenchmarkInference(b *testing.B) {
	c := benchClassifier(b)
	x, _, err := model.PreprocessBytes(fixtures.GalaxyJPEGs(b, 1)[0], c.InputSize())
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := c.ClassifyTensor(x); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkClassifyRequest is one /classify request through the handler
// with the model already loaded: body read, decode, inference, JSON; as
// the load test sends it (no map) and with the attention map.
func BenchmarkClassifyRequest(b *testing.B) {
	c := benchClassifier(b)
	img := fixtures.GalaxyJPEGs(b, 1)[0]
	h := Handler(Config{Model: func() (*model.Classifier, error) { return c, nil }})
	for _, target := range []string{"/classify", "/classify?cam=1"} {
		b.Run(strings.TrimPrefix(target, "/"), func(b *testing.B) {
			for b.Loop() {
				req := httptest.NewRequest(http.MethodPost, target, bytes.NewReader(img))
				req.Header.Set("Content-Type", "image/jpeg")
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("status %d: %s", rec.Code, rec.Body)
				}
			}
		})
	}
}

// BenchmarkPreprocess is the decode and preprocessing of that request's
// image alone, to split a request's time with BenchmarkInference.
func BenchmarkPreprocess(b *testing.B) {
	c := benchClassifier(b)
	img := fixtures.GalaxyJPEGs(b, 1)[0]
	for b.Loop() {
		if _, _, err := model.PreprocessBytes(img, c.InputSize()); err != nil {
			b.Fatal(err)
		}
	}
}

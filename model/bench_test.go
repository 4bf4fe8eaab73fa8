package model

import (
	"os"
	"testing"
)

// BenchmarkClassifyJPEG is the whole path on a bundled real JPEG: decode,
// auto-framing, resize, normalise, inference, hierarchy. Run it as wasm too
// (GOOS=js GOARCH=wasm with go_js_wasm_exec) to see where the page's and
// the edge's time goes.
func BenchmarkClassifyJPEG(b *testing.B) {
	data, err := os.ReadFile("../wasm/static/examples/848953.jpg")
	if err != nil {
		b.Fatal(err)
	}
	c, err := Default()
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := c.Classify(data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPreprocessJPEG is the part before inference.
func BenchmarkPreprocessJPEG(b *testing.B) {
	data, err := os.ReadFile("../wasm/static/examples/848953.jpg")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, _, err := PreprocessBytes(data, 80); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkClassifyTensor is inference alone on a real image's tensor, as
// make bench's "inference only" row runs it.
func BenchmarkClassifyTensor(b *testing.B) {
	data, err := os.ReadFile("../wasm/static/examples/848953.jpg")
	if err != nil {
		b.Fatal(err)
	}
	x, _, err := PreprocessBytes(data, 80)
	if err != nil {
		b.Fatal(err)
	}
	c, err := Default()
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := c.ClassifyTensor(x); err != nil {
			b.Fatal(err)
		}
	}
}

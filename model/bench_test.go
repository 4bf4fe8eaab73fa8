package model

import (
	"os"
	"testing"
)

// example reads a bundled real JPEG (a test-split spiral) and the default
// classifier.
func example(b *testing.B) ([]byte, *Classifier) {
	data, err := os.ReadFile("../wasm/static/examples/848953.jpg")
	if err != nil {
		b.Fatal(err)
	}
	c, err := Default()
	if err != nil {
		b.Fatal(err)
	}
	return data, c
}

// BenchmarkClassifyJPEG is the whole path on a real JPEG: decode,
// auto-framing, resize, normalise, inference, hierarchy. Run it as wasm too
// (GOOS=js GOARCH=wasm with go_js_wasm_exec) to see where the page's and
// the edge's time goes.
func BenchmarkClassifyJPEG(b *testing.B) {
	data, c := example(b)
	for b.Loop() {
		if _, err := c.Classify(data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPreprocessJPEG is the part before inference.
func BenchmarkPreprocessJPEG(b *testing.B) {
	data, c := example(b)
	for b.Loop() {
		if _, _, err := PreprocessBytes(data, c.InputSize()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkClassifyTensor is inference alone on a real image's tensor, as
// make bench's "inference only" rows run it.
func BenchmarkClassifyTensor(b *testing.B) {
	data, c := example(b)
	x, _, err := PreprocessBytes(data, c.InputSize())
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := c.ClassifyTensor(x); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeJPEG is the decoding part of BenchmarkPreprocessJPEG
// (DecodeFor: at half size for this 424-pixel cutout); the rest is framing
// (measure, Frame), resize and normalising.
func BenchmarkDecodeJPEG(b *testing.B) {
	data, c := example(b)
	for b.Loop() {
		if _, _, err := DecodeFor(data, c.InputSize()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMeasureFrame is auto-framing's measurement of a decoded image.
func BenchmarkMeasureFrame(b *testing.B) {
	data, c := example(b)
	img, _, err := DecodeFor(data, c.InputSize())
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		measure(img)
	}
}

package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// A seed names one stand-in file: the same seed writes the same bytes, and
// another seed other weights.
func TestStandInSeedIsReproducible(t *testing.T) {
	dir := t.TempDir()
	write := func(name, seed string) []byte {
		t.Helper()
		out := filepath.Join(dir, name)
		if err := runStandIn([]string{"-seed", seed, "-out", out}); err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	a, again, other := write("a.onnx", "3"), write("again.onnx", "3"), write("other.onnx", "4")
	if !bytes.Equal(a, again) {
		t.Error("seed 3 wrote two different files")
	}
	if bytes.Equal(a, other) {
		t.Error("seeds 3 and 4 wrote the same file")
	}
}

package crossruntime

import (
	"os"
	"testing"

	"github.com/hiwl/hiwl/model"
)

// BenchmarkClassify is the native path end to end: image bytes in,
// Prediction out (decode, preprocess, engine inference, hierarchy).
// cmd/crossbench profiles it for docs/benchmarks.md.
func BenchmarkClassify(b *testing.B) {
	c, err := model.Default()
	if err != nil {
		b.Fatal(err)
	}
	files, err := RealImages(repoRoot(b), 4)
	if err != nil {
		b.Fatal(err)
	}
	var data [][]byte
	for _, f := range files {
		d, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		data = append(data, d)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := c.Classify(data[i%len(data)]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "images/s")
}

// BenchmarkMatMul is the FLOP floor's yardstick at one size.
func BenchmarkMatMul(b *testing.B) {
	const s = 128
	a, bb, c := fill(s*s, 1), fill(s*s, 2), make([]float32, s*s)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		MatMul(c, a, bb, s, s, s)
	}
	b.ReportMetric(2*s*s*s*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

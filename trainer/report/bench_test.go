package report

import (
	"math/rand"
	"path/filepath"
	"testing"
)

func BenchmarkCompute(b *testing.B) {
	// A test split the size of the paper's (2,879 images, five classes).
	r := rand.New(rand.NewSource(1))
	truth := make([]int, 2879)
	pred := make([]int, len(truth))
	for i := range truth {
		truth[i] = r.Intn(5)
		pred[i] = truth[i]
		if r.Float64() < 0.05 {
			pred[i] = r.Intn(5)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compute(galaxyClasses, truth, pred); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkConfusionPNG(b *testing.B) {
	m, err := FromConfusion(galaxyClasses, [][]int{{97, 3, 0, 0, 0}, {4, 90, 2, 1, 3}, {0, 3, 6, 1, 0}, {0, 0, 1, 48, 1}, {0, 2, 0, 0, 98}})
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), "c.png")
	for b.Loop() {
		if err := ConfusionPNG(path, m); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCurvesPNG(b *testing.B) {
	h := history()
	path := filepath.Join(b.TempDir(), "curves.png")
	for b.Loop() {
		if err := CurvesPNG(path, "bench", h); err != nil {
			b.Fatal(err)
		}
	}
}

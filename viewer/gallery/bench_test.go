package gallery

import (
	"path/filepath"
	"testing"

	"github.com/hiwl/hiwl/model"
)

// BenchmarkLoad is the worker's cost per image, off the UI thread: read,
// decode, convert for display, classify, and extract five CAMs.
func BenchmarkLoad(b *testing.B) {
	clf, err := model.Default()
	if err != nil {
		b.Fatal(err)
	}
	l := &Loader{paths: []string{filepath.Join(dataDir, "validation", "spirals", "170676.jpg")}, clf: clf,
		size: 4, cache: map[int]*entry{}, busy: -1}
	for b.Loop() {
		l.load(0)
		if it := l.Item(0); it.Err != nil || it.Result == nil {
			b.Fatalf("load failed: %v", it.Err)
		}
	}
}

// BenchmarkListFolder lists the 2,000 images of the challenge folders.
func BenchmarkListFolder(b *testing.B) {
	for b.Loop() {
		if _, err := List([]string{dataDir}); err != nil {
			b.Fatal(err)
		}
	}
}

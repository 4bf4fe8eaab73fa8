package training

import (
	"path/filepath"
	"testing"

	"github.com/hiwl/hiwl/model"
	"github.com/hiwl/hiwl/trainer/gzdata"
)

// realSamples is the first n real Galaxy Zoo images of each class from
// ../shared, labelled with their class.
func realSamples(t *testing.T, n int, classes ...model.Class) []gzdata.Sample {
	t.Helper()
	var samples []gzdata.Sample
	for _, c := range classes {
		files, _ := filepath.Glob(filepath.Join("..", "..", "..", "shared", "data", "gz-challenge-5class", c.Slug(), "*.jpg"))
		if len(files) < n {
			t.Fatalf("no real %s images (the repository expects shared/ beside it)", c.Slug())
		}
		for _, f := range files[:n] {
			samples = append(samples, gzdata.Sample{Path: f, Class: c})
		}
	}
	return samples
}

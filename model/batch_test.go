package model

import (
	"errors"
	"os"
	"sync"
	"testing"
)

// TestConcurrentClassifyMatchesSequential: goroutines sharing one
// Classifier get exactly the sequential answers (each run has its own
// buffers; a shared one would mix images).
func TestConcurrentClassifyMatchesSequential(t *testing.T) {
	c, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	files := realImages(t, 8)
	var images [][]byte
	var want []*Prediction
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		p, err := c.Classify(data)
		if err != nil {
			t.Fatal(err)
		}
		images, want = append(images, data), append(want, p)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 4*len(images))
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := 0; r < 3; r++ {
				for i := range images {
					k := (i + g) % len(images)
					p, err := c.Classify(images[k])
					if err != nil || p.Probabilities != want[k].Probabilities || p.CAM(Spiral).Values[5] != want[k].CAM(Spiral).Values[5] {
						errs <- errors.New(files[k] + ": concurrent run differs")
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}

	out := c.ClassifyBatch(append(images, []byte("not an image")), 3)
	for i, o := range out[:len(images)] {
		if o.Err != nil || o.Prediction.Probabilities != want[i].Probabilities {
			t.Fatalf("batch item %d: %v", i, o.Err)
		}
	}
	if last := out[len(images)]; !errors.Is(last.Err, ErrNotImage) {
		t.Fatalf("bad item: %v", last.Err)
	}
}

package model

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// Outcome is the result of one image of a batch: a prediction or an error.
type Outcome struct {
	Prediction *Prediction
	Err        error
}

// ClassifyBatch classifies every image of images on workers goroutines
// (GOMAXPROCS when workers <= 0) and returns the outcomes in input order.
// One bad image gives an error in its own outcome and stops nothing else.
func (c *Classifier) ClassifyBatch(images [][]byte, workers int) []Outcome {
	out := make([]Outcome, len(images))
	parallel(len(images), workers, func(i int) {
		out[i].Prediction, out[i].Err = c.Classify(images[i])
	})
	return out
}

// parallel calls f(0..n-1) on workers goroutines.
func parallel(n, workers int, f func(i int)) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				f(i)
			}
		}()
	}
	wg.Wait()
}

package main

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// loadResult is one load run.
type loadResult struct {
	failed, retried int64
	lat             []float64 // ms, in completion order
	errSample       []string
	elapsed         time.Duration
}

// loadRun has c clients take request numbers until n are done: request i
// goes to urls[i%len(urls)] with image imgs[i%len(imgs)]. done counts the
// finished requests as they finish (the memory sampler reads it).
func loadRun(ctx context.Context, client *http.Client, urls []string, imgs []image, n, c int, done *atomic.Int64) loadResult {
	var next, failed, retried atomic.Int64
	var mu sync.Mutex // guards lat and errSample
	var r loadResult
	start := time.Now()
	var wg sync.WaitGroup
	for range c {
		wg.Go(func() {
			for {
				i := next.Add(1) - 1
				if i >= int64(n) || ctx.Err() != nil {
					return
				}
				var st stages
				d, err := classifyTraced(ctx, client, urls[i%int64(len(urls))], imgs[i%int64(len(imgs))], nil, &st)
				finished := done.Add(1)
				if st.retried() {
					retried.Add(1)
				}
				mu.Lock()
				r.lat = append(r.lat, ms(d))
				if err != nil {
					failed.Add(1)
					if len(r.errSample) < 10 {
						r.errSample = append(r.errSample, fmt.Sprintf("request %d: %v", i, err))
					}
				}
				mu.Unlock()
				if finished%200 == 0 {
					log.Printf("%d/%d requests, %d errors, %.0f s", finished, n, failed.Load(), time.Since(start).Seconds())
				}
			}
		})
	}
	wg.Wait()
	r.elapsed = time.Since(start)
	r.failed, r.retried = failed.Load(), retried.Load()
	return r
}

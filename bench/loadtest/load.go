package main

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hiwl/hiwl/bench/harness"
)

// LoadStats is what one load run measured.
type LoadStats struct {
	Concurrency int `json:"concurrency"`
	Completed   int `json:"completed"`
	// Batches of the completed requests were batches of BatchSize images
	// (every BatchEvery-th request); Images counts the images classified.
	Batches     int      `json:"batches,omitempty"`
	BatchSize   int      `json:"batch_size,omitempty"`
	BatchEvery  int      `json:"batch_every,omitempty"`
	Images      int      `json:"images"`
	Errors      int      `json:"errors"`
	ErrorSample []string `json:"error_sample,omitempty"`
	// Retried counts requests that the client's transport sent a second
	// time, on a fresh connection, because the server had closed the
	// kept-alive one before answering (see loadClient). They are not
	// errors; they are reported so that none is hidden.
	Retried   int     `json:"retried_on_new_connection"`
	DurationS float64 `json:"duration_s"`
	RPS       float64 `json:"requests_per_s"`
	LatencyMS Summary `json:"latency_ms"`
	// CPUPerRequestMS is the workerd processes' CPU time over the run
	// divided by the requests completed (0: not measured).
	CPUPerRequestMS float64 `json:"cpu_per_request_ms"`
}

func (s *LoadStats) summary() string {
	return fmt.Sprintf("%d requests (%d of them batches of %d; %d images) at concurrency %d in %.1f s: %.2f req/s, p50 %.0f ms, p99 %.0f ms, %d errors (%d sent twice), CPU %.1f ms per request",
		s.Completed, s.Batches, s.BatchSize, s.Images, s.Concurrency, s.DurationS, s.RPS, s.LatencyMS.P50, s.LatencyMS.P99, s.Errors, s.Retried, s.CPUPerRequestMS)
}

// loadRun has c clients take request numbers until n are done: request i
// goes to urls[i%len(urls)] with image imgs[i%len(imgs)], or, when
// batchEvery > 0, every batchEvery-th request with a batch of batchSize
// images from there on. done counts the finished requests as they finish
// (the memory sampler reads it). cpu, if not nil, reads the servers' CPU
// time in ms.
func loadRun(ctx context.Context, client *http.Client, urls []string, imgs []image, n, c, batchEvery int, done *atomic.Int64, cpu func() (float64, error)) LoadStats {
	var cpu0 float64
	if cpu != nil {
		var err error
		if cpu0, err = cpu(); err != nil {
			log.Printf("CPU time: %v", err)
			cpu = nil
		}
	}
	var next, failed, retried, batches, images atomic.Int64
	var mu sync.Mutex // guards lat and errSample
	var lat []float64
	var errSample []string
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
				var d time.Duration
				var err error
				if batchEvery > 0 && i%int64(batchEvery) == int64(batchEvery-1) {
					batch := make([]image, batchSize)
					for k := range batch {
						batch[k] = imgs[(i+int64(k))%int64(len(imgs))]
					}
					d, err = classifyBatchTraced(ctx, client, urls[i%int64(len(urls))], batch, &st)
					batches.Add(1)
					images.Add(int64(len(batch)))
				} else {
					d, err = classifyTraced(ctx, client, urls[i%int64(len(urls))], imgs[i%int64(len(imgs))], nil, &st)
					images.Add(1)
				}
				finished := done.Add(1)
				if st.retried() {
					retried.Add(1)
				}
				mu.Lock()
				lat = append(lat, harness.MS(d))
				if err != nil {
					failed.Add(1)
					if len(errSample) < 10 {
						errSample = append(errSample, fmt.Sprintf("request %d: %v", i, err))
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
	elapsed := time.Since(start)
	s := LoadStats{
		Concurrency: c, Completed: int(done.Load()), Errors: int(failed.Load()), ErrorSample: errSample,
		Retried: int(retried.Load()), DurationS: round(elapsed.Seconds(), 2), LatencyMS: summarize(lat),
		Batches: int(batches.Load()), Images: int(images.Load()),
	}
	if batchEvery > 0 {
		s.BatchSize, s.BatchEvery = batchSize, batchEvery
	}
	s.RPS = round(float64(s.Completed)/elapsed.Seconds(), 3)
	if cpu != nil && s.Completed > 0 {
		if cpu1, err := cpu(); err == nil {
			s.CPUPerRequestMS = round((cpu1-cpu0)/float64(s.Completed), 2)
		}
	}
	return s
}

// batchSize is the images in each batch of the load run: the edge's
// largest (api.MaxBatch), the request that holds the most memory at once.
const batchSize = 16

package main

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"sync/atomic"
)

// Scaling is a load run spread over several workerd processes. workerd
// runs a worker's isolate on one thread, so one process uses one core; more
// processes behind a balancer is how workerd uses more (on Cloudflare, the
// platform does that). The client sends request i to process i mod N.
type Scaling struct {
	Processes   int      `json:"processes"`
	Requests    int      `json:"requests"`
	Concurrency int      `json:"concurrency"`
	Errors      int      `json:"errors"`
	ErrorSample []string `json:"error_sample,omitempty"`
	Retried     int      `json:"retried_on_new_connection"`
	DurationS   float64  `json:"duration_s"`
	RPS         float64  `json:"requests_per_s"`
	LatencyMS   Summary  `json:"latency_ms"`
	// CPUPerRequestMS is the CPU time of all the processes over the run
	// divided by the requests completed.
	CPUPerRequestMS float64 `json:"cpu_per_request_ms"`
}

// scaling runs cfg.scaleN requests at concurrency cfg.c over cfg.procs
// workerd processes: the one at cfg.url (pid cfg.pid) and procs-1 that it
// starts, warms up and stops.
func scaling(ctx context.Context, cfg config, client *http.Client, imgs []image) (*Scaling, error) {
	if cfg.pid <= 0 {
		return nil, fmt.Errorf("needs workerd's process id (-pid or HIWL_EDGE_PID) for the CPU of all processes")
	}
	urls := []string{cfg.url}
	meters := []*cpuMeter{{pid: cfg.pid}}
	for range cfg.procs - 1 {
		wd, err := startWorkerd(ctx, cfg)
		if err != nil {
			return nil, err
		}
		defer wd.stop()
		for i := 0; i < cfg.warmup; i++ {
			if _, err := classify(ctx, client, wd.url, imgs[i%len(imgs)]); err != nil {
				return nil, fmt.Errorf("warm-up of %s: %w", wd.url, err)
			}
		}
		urls = append(urls, wd.url)
		meters = append(meters, &cpuMeter{pid: wd.cmd.Process.Pid})
	}
	cpuMS := func() (float64, error) {
		var sum float64
		for _, m := range meters {
			v, err := m.ms()
			if err != nil {
				return 0, err
			}
			sum += v
		}
		return sum, nil
	}
	cpu0, err := cpuMS()
	if err != nil {
		return nil, err
	}
	var done atomic.Int64
	res := loadRun(ctx, keepAlive(cfg), urls, imgs, cfg.scaleN, cfg.c, &done)
	s := &Scaling{
		Processes: len(urls), Requests: int(done.Load()), Concurrency: cfg.c,
		Errors: int(res.failed), ErrorSample: res.errSample, Retried: int(res.retried),
		DurationS: round(res.elapsed.Seconds(), 2), RPS: round(float64(done.Load())/res.elapsed.Seconds(), 3),
		LatencyMS: summarize(res.lat),
	}
	if cpu1, err := cpuMS(); err == nil && s.Requests > 0 {
		s.CPUPerRequestMS = round((cpu1-cpu0)/float64(s.Requests), 2)
	}
	log.Printf("%d requests at concurrency %d over %d workerd processes in %.1f s: %.2f req/s, p50 %.0f ms, p99 %.0f ms, %d errors (%d sent twice), CPU %.1f ms per request",
		s.Requests, s.Concurrency, s.Processes, s.DurationS, s.RPS, s.LatencyMS.P50, s.LatencyMS.P99, s.Errors, s.Retried, s.CPUPerRequestMS)
	return s, nil
}

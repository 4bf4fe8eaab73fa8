package main

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"sync/atomic"

	"github.com/hiwl/hiwl/bench/harness"
)

// Scaling is a load run spread over several workerd processes. workerd
// runs a worker's isolate on one thread, so one process uses one core; more
// processes behind a balancer is how workerd uses more (on Cloudflare, the
// platform does that). The client sends request i to process i mod N.
type Scaling struct {
	Processes int `json:"processes"`
	Requests  int `json:"requests"`
	LoadStats
}

// scaling runs cfg.scaleN requests at concurrency cfg.c over cfg.procs
// workerd processes: the one at cfg.url (pid cfg.pid) and procs-1 that it
// starts, warms up and stops.
func scaling(ctx context.Context, cfg config, client *http.Client, imgs []image) (*Scaling, error) {
	if cfg.pid <= 0 {
		return nil, fmt.Errorf("needs workerd's process id (-pid or HIWL_EDGE_PID) for the CPU of all processes")
	}
	urls := []string{cfg.url}
	meters := []*harness.CPUMeter{{Pid: cfg.pid}}
	for range cfg.procs - 1 {
		wd, err := harness.StartWorkerd(ctx, cfg.workerd, cfg.wdConfig)
		if err != nil {
			return nil, err
		}
		defer wd.Stop()
		for i := 0; i < cfg.warmup; i++ {
			if _, err := classify(ctx, client, wd.URL, imgs[i%len(imgs)]); err != nil {
				return nil, fmt.Errorf("warm-up of %s: %w", wd.URL, err)
			}
		}
		urls = append(urls, wd.URL)
		meters = append(meters, &harness.CPUMeter{Pid: wd.Pid()})
	}
	cpuMS := func() (float64, error) {
		var sum float64
		for _, m := range meters {
			v, err := m.MS()
			if err != nil {
				return 0, err
			}
			sum += v
		}
		return sum, nil
	}
	var done atomic.Int64
	s := &Scaling{Processes: len(urls), Requests: cfg.scaleN}
	s.LoadStats = loadRun(ctx, loadClient(cfg), urls, imgs, cfg.scaleN, cfg.c, cfg.batchEvery, &done, cpuMS)
	log.Printf("over %d workerd processes: %s", s.Processes, s.LoadStats.summary())
	return s, nil
}

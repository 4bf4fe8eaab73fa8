package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"strings"
	"time"

	"github.com/hiwl/hiwl/bench/harness"
)

// Cold is the cold start: workerd started afresh for each run, so the
// isolate, the Go instance and the model are all new. Values are medians
// over the runs, in milliseconds.
type Cold struct {
	Runs int `json:"runs_per_kind"`
	// ListenMS: process start until the socket accepts connections (the
	// config parsed, app.wasm compiled, the isolate made).
	ListenMS float64 `json:"process_start_to_listen_ms"`
	// Classify first: the first request starts the Go instance, decodes
	// the model and classifies.
	ToFirstClassifyMS float64 `json:"process_start_to_first_classify_answer_ms"`
	FirstClassifyMS   float64 `json:"first_classify_ms"`
	SecondClassifyMS  float64 `json:"second_classify_ms"`
	// Healthz first: the first request only starts the Go instance (Go
	// runtime and package init); the /classify after it decodes the model.
	FirstHealthzMS         float64 `json:"first_healthz_ms"`
	ClassifyAfterHealthzMS float64 `json:"classify_after_healthz_ms"`
	// The same in CPU time of the workerd process (/proc/PID/stat), which
	// a busy machine does not inflate the way it does wall time.
	CPUToListenMS             float64   `json:"cpu_to_listen_ms"`
	CPUFirstClassifyMS        float64   `json:"cpu_first_classify_ms"`
	CPUToFirstClassifyMS      float64   `json:"cpu_process_start_to_first_classify_answer_ms"`
	CPUFirstHealthzMS         float64   `json:"cpu_first_healthz_ms"`
	CPUClassifyAfterHealthzMS float64   `json:"cpu_classify_after_healthz_ms"`
	Samples                   []ColdRun `json:"samples"`
}

// ColdRun is one fresh workerd.
type ColdRun struct {
	Kind     string    `json:"kind"` // "classify" or "healthz" first
	ListenMS float64   `json:"listen_ms"`
	Requests []float64 `json:"requests_ms"` // in order
	Instance []string  `json:"instances"`   // X-Hiwl-Instance of each answer
	// CPU is workerd's CPU time when it started listening, then after
	// each request (cumulative, ms).
	CPU []float64 `json:"cpu_cumulative_ms"`
}

// coldStarts alternates the two kinds of cold run, runs times each.
func coldStarts(ctx context.Context, cfg config, client *http.Client, img image) (*Cold, error) {
	out := &Cold{Runs: cfg.coldRuns}
	var listen, toFirst, first, second, health, after []float64
	var cListen, cToFirst, cFirst, cHealth, cAfter []float64
	for i := 0; i < 2*cfg.coldRuns; i++ {
		kind := []string{"classify", "healthz"}[i%2]
		r, err := coldRun(ctx, cfg, client, img, kind)
		if err != nil {
			return nil, fmt.Errorf("run %d (%s first): %w", i, kind, err)
		}
		out.Samples = append(out.Samples, r)
		listen = append(listen, r.ListenMS)
		cListen = append(cListen, r.CPU[0])
		if kind == "classify" {
			toFirst = append(toFirst, r.ListenMS+r.Requests[0])
			first = append(first, r.Requests[0])
			second = append(second, r.Requests[1])
			cToFirst = append(cToFirst, r.CPU[1])
			cFirst = append(cFirst, r.CPU[1]-r.CPU[0])
		} else {
			health = append(health, r.Requests[0])
			after = append(after, r.Requests[1])
			cHealth = append(cHealth, r.CPU[1]-r.CPU[0])
			cAfter = append(cAfter, r.CPU[2]-r.CPU[1])
		}
	}
	out.ListenMS, out.ToFirstClassifyMS = median(listen), median(toFirst)
	out.FirstClassifyMS, out.SecondClassifyMS = median(first), median(second)
	out.FirstHealthzMS, out.ClassifyAfterHealthzMS = median(health), median(after)
	out.CPUToListenMS, out.CPUToFirstClassifyMS, out.CPUFirstClassifyMS = median(cListen), median(cToFirst), median(cFirst)
	out.CPUFirstHealthzMS, out.CPUClassifyAfterHealthzMS = median(cHealth), median(cAfter)
	return out, nil
}

func coldRun(ctx context.Context, cfg config, client *http.Client, img image, kind string) (ColdRun, error) {
	r := ColdRun{Kind: kind}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	wd, err := harness.StartWorkerd(ctx, cfg.workerd, cfg.wdConfig)
	if err != nil {
		return r, err
	}
	defer wd.Stop()
	r.ListenMS = round(harness.MS(wd.Listen), 1)
	cpu := &harness.CPUMeter{Pid: wd.Pid()}
	readCPU := func() error {
		v, err := cpu.MS()
		r.CPU = append(r.CPU, round(v, 1))
		return err
	}
	if err := readCPU(); err != nil {
		return r, err
	}
	base := wd.URL
	steps := []func() (time.Duration, string, error){
		func() (time.Duration, string, error) { return classifyID(ctx, client, base, img) },
		func() (time.Duration, string, error) { return classifyID(ctx, client, base, img) },
	}
	if kind == "healthz" {
		steps[0] = func() (time.Duration, string, error) {
			d, h, err := get(ctx, client, base+"/healthz")
			return d, h.Get("X-Hiwl-Instance"), err
		}
	}
	for _, step := range steps {
		d, id, err := step()
		if err != nil {
			return r, err
		}
		r.Requests = append(r.Requests, round(harness.MS(d), 1))
		r.Instance = append(r.Instance, id)
		if err := readCPU(); err != nil {
			return r, err
		}
	}
	if r.Instance[0] != r.Instance[1] {
		return r, fmt.Errorf("second request served by instance %s, the first by %s: the instance was not kept", r.Instance[1], r.Instance[0])
	}
	return r, nil
}

func classifyID(ctx context.Context, client *http.Client, base string, img image) (time.Duration, string, error) {
	var id string
	d, err := classifyHeader(ctx, client, base, img, func(h http.Header) { id = h.Get("X-Hiwl-Instance") })
	return d, id, err
}

// get is one GET that must answer 200: its time and the answer's headers.
func get(ctx context.Context, client *http.Client, u string) (time.Duration, http.Header, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, nil, err
	}
	t0 := time.Now()
	res, err := client.Do(req)
	if err != nil {
		return time.Since(t0), nil, err
	}
	body, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	res.Body.Close()
	d := time.Since(t0)
	if err == nil && res.StatusCode != http.StatusOK {
		err = fmt.Errorf("GET %s: status %d: %.200s", u, res.StatusCode, body)
	}
	return d, res.Header, err
}

func healthz(ctx context.Context, client *http.Client, base string) (time.Duration, error) {
	d, _, err := get(ctx, client, base+"/healthz")
	return d, err
}

// sequential runs n requests one after the other and returns their
// latencies and workerd's CPU time per request, of the whole process and
// of its main thread, where the isolate runs (0 without a process id).
func sequential(cpu *harness.CPUMeter, n int, do func(int) (time.Duration, error)) (lat []float64, procMS, mainMS float64, err error) {
	var c0, m0 float64
	if cpu != nil {
		if c0, err = cpu.MS(); err == nil {
			m0, err = cpu.MainThreadMS()
		}
		if err != nil {
			return nil, 0, 0, err
		}
	}
	lat = make([]float64, 0, n)
	for i := range n {
		d, err := do(i)
		if err != nil {
			return nil, 0, 0, fmt.Errorf("request %d: %w", i, err)
		}
		lat = append(lat, harness.MS(d))
	}
	if cpu == nil {
		return lat, 0, 0, nil
	}
	c1, err := cpu.MS()
	if err != nil {
		return nil, 0, 0, err
	}
	m1, err := cpu.MainThreadMS()
	if err != nil {
		return nil, 0, 0, err
	}
	return lat, round((c1-c0)/float64(n), 2), round((m1-m0)/float64(n), 2), nil
}

// median is the median rounded to 0.1 ms, 0 for no samples (the report is
// JSON, which has no NaN).
func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	return round(harness.Median(v), 1)
}

// gitCommit names the code measured, best effort.
func gitCommit() string {
	out, err := exec.Command("git", "rev-parse", "--short=12", "HEAD").Output()
	if err != nil {
		return ""
	}
	c := strings.TrimSpace(string(out))
	if st, err := exec.Command("git", "status", "--porcelain", "--untracked-files=no").Output(); err == nil && len(st) > 0 {
		c += "+dirty"
	}
	return c
}

// Command loadtest is the edge classifier's bounded benchmark in workerd,
// on loopback only, in three parts (and a fourth on request):
//
//   - cold start: it starts workerd itself a few times and times process
//     start to the first answer (a /classify, or a /healthz then a
//     /classify, to split instance start from model decoding);
//   - one request at a time: the median latency, and the CPU time per
//     request from workerd's own process CPU (/proc/PID/stat) over N
//     requests, for /classify and /healthz;
//   - the load run: a fixed number of POST /classify requests at a fixed
//     concurrency under a time limit; errors, requests/s, latency
//     percentiles, and workerd's resident memory sampled once a second
//     (start, middle, end) to show it stays flat;
//   - with -against DIR, this build against another (see Against), both in
//     workerd at once, one request at a time, alternately.
//
// Every classification must equal the native classifier's (within 1e-4),
// the embedded model's or -model's (the model the worker was built with:
// make edge-build EDGE_MODEL=FILE); the -against build's must equal
// -against-model's, or without it only has to be one, since it may hold
// another model.
// It is run by `make bench-edge` (edge/scripts/with-workerd.sh provides
// HIWL_EDGE_URL and HIWL_EDGE_PID for the long-lived workerd) and writes a
// JSON report.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"math"
	"mime/multipart"
	"net/http"
	"net/http/httptrace"
	"net/textproto"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hiwl/hiwl/bench/harness"
	"github.com/hiwl/hiwl/model"
	"github.com/hiwl/hiwl/trainer/atomicfile"
)

type config struct {
	url          string
	pid          int
	n, c         int
	warmup       int
	steadyAfter  int
	images       int
	maxDuration  time.Duration
	timeout      time.Duration // per request
	dataDir      string
	buildDir     string
	out          string
	seq          int
	coldRuns     int
	workerd      string
	wdConfig     string
	fresh        bool   // the load run opens a connection per request
	procs        int    // workerd processes in the scaling run
	scaleN       int    // requests in the scaling run
	against      string // another build's bundle folder, for the A/B comparison
	againstConf  string // its workerd configuration (empty: -config's, beside a link to it)
	inspector    string // workerd's inspector, host:port, for V8's heap (empty: none)
	batchEvery   int    // every batchEvery-th request of the load runs is a batch (0: none)
	pairs        int    // requests to each build in it
	model        string // ONNX file the worker serves (make edge-build EDGE_MODEL), for the native reference (empty: the embedded default)
	againstModel string // ONNX file the -against build serves, to check its answers and time it natively too (empty: its answers are only checked to be classifications)
}

func main() {
	var cfg config
	flag.StringVar(&cfg.url, "url", os.Getenv("HIWL_EDGE_URL"), "worker base URL (loopback only)")
	pid, _ := strconv.Atoi(os.Getenv("HIWL_EDGE_PID"))
	flag.IntVar(&cfg.pid, "pid", pid, "workerd process id, for memory samples (0: none)")
	flag.IntVar(&cfg.n, "n", 10000, "requests in the load run")
	flag.IntVar(&cfg.c, "c", 32, "concurrent clients in the load run")
	flag.IntVar(&cfg.seq, "seq", 200, "requests one at a time for the median latency and the CPU per request (each of /classify and /healthz)")
	flag.IntVar(&cfg.coldRuns, "cold-runs", 3, "cold starts of each kind, each in a workerd of its own (0: none)")
	flag.StringVar(&cfg.workerd, "workerd", "node_modules/.bin/workerd", "workerd binary, for the cold starts")
	flag.StringVar(&cfg.wdConfig, "config", "edge/config.capnp", "workerd configuration, for the cold starts")
	flag.IntVar(&cfg.warmup, "warmup", 16, "requests one at a time before the measured ones (the first decodes the model)")
	flag.IntVar(&cfg.steadyAfter, "steady-after", 1000, "after the first measured requests, classify one at a time until this many, then measure again: the steady state, V8's tier-up over (0: not measured)")
	flag.IntVar(&cfg.images, "images", 32, "distinct real images to cycle through")
	flag.DurationVar(&cfg.maxDuration, "max-duration", 60*time.Minute, "time limit for the whole test")
	flag.DurationVar(&cfg.timeout, "timeout", 2*time.Minute, "client timeout per request: an unanswered one counts as an error after this")
	flag.BoolVar(&cfg.fresh, "fresh-connections", false, "the load run opens a connection per request instead of keeping its c connections")
	flag.IntVar(&cfg.procs, "procs", 1, "workerd processes for the scaling run after the load run: this one and procs-1 more started here, one per core (1: no scaling run)")
	flag.IntVar(&cfg.scaleN, "procs-n", 3000, "requests in the scaling run, spread over the processes")
	flag.StringVar(&cfg.against, "against", "", "another build of the worker (a bundle folder like edge/build) to compare with, one request at a time, alternately (none: no comparison)")
	flag.IntVar(&cfg.pairs, "pairs", 200, "requests to each build in the -against comparison")
	flag.StringVar(&cfg.model, "model", "", "the ONNX model file the worker serves (make edge-build EDGE_MODEL=FILE): the native reference and every answer's check use it (default: the embedded model)")
	flag.StringVar(&cfg.againstModel, "against-model", "", "the ONNX model file the -against build serves: its answers are checked against it, and both models are timed natively beside the pairs (default: the other build's answers are only checked to be classifications)")
	flag.StringVar(&cfg.againstConf, "against-config", "", "the -against build's own workerd configuration, which embeds it (default: -config's, copied beside a link to the build)")
	flag.StringVar(&cfg.inspector, "inspector", os.Getenv("HIWL_EDGE_INSPECTOR"), "workerd's inspector (host:port), to read V8's heap during the load run (with-workerd.sh opens one)")
	flag.IntVar(&cfg.batchEvery, "batch-every", 32, "every N-th request of the load runs is a batch of 16 images (0: none)")
	flag.StringVar(&cfg.dataDir, "data", "", "folder with spirals/ and non_spirals/ JPEGs (default: ../shared/data/gz-challenge-spiral/validation above the working directory)")
	flag.StringVar(&cfg.buildDir, "build", "edge/build", "worker bundle folder, for its size")
	flag.StringVar(&cfg.out, "out", "out/bench/edge.json", "JSON report path")
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("loadtest: ")

	rep, err := run(cfg)
	if rep != nil {
		if werr := writeJSON(cfg.out, rep); werr != nil {
			log.Fatal(werr)
		}
		log.Printf("report written to %s", cfg.out)
	}
	if err != nil {
		log.Fatal(err)
	}
}

// nativeOneAtATime times n classifications of imgs by c, one at a time,
// as sequential times the requests.
func nativeOneAtATime(c *model.Classifier, imgs []image, n int) ([]float64, error) {
	lat, _, _, err := sequential(nil, n, func(i int) (time.Duration, error) {
		start := time.Now()
		_, err := c.Classify(imgs[i%len(imgs)].data)
		return time.Since(start), err
	})
	return lat, err
}

// oneAtATime classifies cfg.seq images one at a time, once the isolate
// has classified after images, with the native reference measured half
// before and half after.
func oneAtATime(ctx context.Context, client *http.Client, cfg config, cpu *harness.CPUMeter, c *model.Classifier, imgs []image, after int) (Classify, error) {
	r := Classify{After: after}
	before, err := nativeOneAtATime(c, imgs, cfg.seq/2)
	if err != nil {
		return r, fmt.Errorf("native reference: %w", err)
	}
	lat, cpuMS, mainMS, err := sequential(cpu, cfg.seq, func(i int) (time.Duration, error) {
		return classify(ctx, client, cfg.url, imgs[(after+i)%len(imgs)])
	})
	if err != nil {
		return r, fmt.Errorf("one at a time: %w", err)
	}
	later, err := nativeOneAtATime(c, imgs, cfg.seq-cfg.seq/2)
	if err != nil {
		return r, fmt.Errorf("native reference: %w", err)
	}
	r.ClassifyMS, r.ClassifyCPUMS, r.ClassifyMainCPUMS = summarize(lat), cpuMS, mainMS
	r.NativeMS = summarize(append(before, later...))
	r.PerNative = round(r.ClassifyMS.P50/r.NativeMS.P50, 2)
	return r, nil
}

// Report is the JSON written to -out.
type Report struct {
	Date    string `json:"date"`
	Host    string `json:"host"`
	Commit  string `json:"commit,omitempty"` // git HEAD of the code measured, "+dirty" if changed
	URL     string `json:"url"`
	Runtime string `json:"runtime"`
	Model   string `json:"model_version"`
	// LoadAvg is /proc/loadavg at the start: the machine is shared.
	LoadAvg string `json:"loadavg_at_start"`
	Bundle  Bundle `json:"bundle"`

	Cold       *Cold      `json:"cold_start,omitempty"`
	Sequential Sequential `json:"one_at_a_time"`

	Requests int `json:"requests"`
	LoadStats
	Memory *Memory `json:"workerd_memory,omitempty"`
	// Isolate is what the worker's isolate counted, read from
	// X-Hiwl-Isolate-Fetches on one /healthz after the load run.
	Isolate *IsolateFetches `json:"isolate_fetches,omitempty"`
	// Scaling is the same load over several workerd processes (-procs).
	Scaling *Scaling `json:"scaling,omitempty"`
	// Against is the comparison with another build (-against).
	Against *Against `json:"against,omitempty"`
}

// IsolateFetches compares the fetches the worker's isolate began and ended
// with the requests this run sent it. Begun equals Ended when the glue left
// no request hanging; Begun minus Sent is what else reached the isolate
// (with-workerd.sh's readiness probes), so a request that never reached
// the isolate shows as Begun below Sent.
type IsolateFetches struct {
	Begun int64 `json:"begun"`
	Ended int64 `json:"ended"`
	Sent  int64 `json:"sent_by_this_run"`
}

// Sequential is the part one request at a time, after a warm-up.
type Sequential struct {
	Warmup int `json:"warmup_requests"`
	// FirstMS is the first classification of the long-lived workerd (its
	// instance was started by with-workerd.sh's /healthz).
	FirstMS float64 `json:"first_classify_ms"`
	// The classifications right after the warm-up, while V8 still
	// compiles the hot wasm functions with TurboFan on its helper threads.
	Classify
	HealthzMS    Summary `json:"healthz_latency_ms"`
	HealthzCPUMS float64 `json:"healthz_cpu_per_request_ms"`
	// Steady is the same measure once the isolate has classified
	// SteadyAfter images: V8's tier-up is over (its helper threads fall
	// from about 0.8 to under 0.1 ms per request after some 700
	// classifications; edge/README.md, "Measured", stop 41), which is the
	// state a Worker's isolate serves nearly all of its requests in.
	Steady *Classify `json:"steady,omitempty"`
}

// Classify is a run of classifications one at a time, with the native
// reference measured around it.
type Classify struct {
	// After is how many classifications the isolate had served before
	// the first of these.
	After      int     `json:"after_classifications"`
	ClassifyMS Summary `json:"classify_latency_ms"`
	// CPU per request from /proc/PID/stat (utime+stime of all of
	// workerd's threads) over the requests above.
	ClassifyCPUMS float64 `json:"classify_cpu_per_request_ms"`
	// ClassifyMainCPUMS is the part of it on workerd's main thread, where
	// the isolate runs: the closer measure of what Cloudflare's CPU limit
	// counts, which leaves out V8's helper threads (concurrent garbage
	// collection, compiling).
	ClassifyMainCPUMS float64 `json:"classify_main_thread_cpu_per_request_ms"`
	// NativeMS is the host's speed at the time of the requests above: the
	// same classifications by package model in this process, natively and
	// one at a time, half just before those requests and half just after.
	// The machine is shared, and its speed moves by a third within an hour.
	NativeMS Summary `json:"native_classify_latency_ms"`
	// PerNative is ClassifyMS.P50 / NativeMS.P50.
	PerNative float64 `json:"classify_p50_per_native_p50"`
}

// Summary of a latency sample, in milliseconds.
type Summary struct {
	N    int     `json:"n"`
	Mean float64 `json:"mean"`
	P50  float64 `json:"p50"`
	P90  float64 `json:"p90"`
	P99  float64 `json:"p99"`
	Max  float64 `json:"max"`
}

// Memory is workerd's resident set, from /proc/PID/status, in MiB.
type Memory struct {
	PID int `json:"pid"`
	// Start is taken just before the load run, Middle when half of its
	// requests are done, End after it, Idle after 3 s of rest.
	// FirstTenth is the highest sample over the first tenth of the run
	// (the working set once concurrency is reached); Growth is End minus
	// FirstTenth. With workerd's inspector, V8 also runs a full collection
	// just before the run and again after it (Collected*: RSS a second
	// later, and V8's heap), and the verdict is on what the isolate holds
	// after them (IsolateRetainedGrowth) rather than on RSS. (Not during
	// the run: workerd answers its inspector only between requests, and a
	// collection asked for under 32 concurrent requests went unanswered.)
	Start      float64 `json:"start_mib"`
	Middle     float64 `json:"middle_mib"`
	End        float64 `json:"end_mib"`
	Idle       float64 `json:"idle_mib"`
	FirstTenth float64 `json:"first_tenth_peak_mib"`
	Peak       float64 `json:"peak_mib"`
	Growth     float64 `json:"growth_mib"`
	// CollectedBefore and CollectedEnd: RSS after V8's full collections
	// (0 without an inspector).
	CollectedBefore float64 `json:"collected_before_mib,omitempty"`
	CollectedEnd    float64 `json:"collected_end_mib,omitempty"`
	// V8 after those collections: the JavaScript heap in use (what a leak
	// in the JavaScript glue would grow) and the ArrayBuffer backing stores
	// (the wasm memory, and request and response bodies still referenced).
	CollectedV8Before *V8Sample `json:"collected_v8_before,omitempty"`
	CollectedV8End    *V8Sample `json:"collected_v8_end,omitempty"`
	// IsolateRetainedGrowth is, after those collections, how much more the
	// isolate holds besides its wasm memory at the end than before the run
	// (MiB): the leak verdict when there are collections.
	IsolateRetainedGrowth *float64     `json:"isolate_retained_growth_mib,omitempty"`
	HWM                   float64      `json:"vmhwm_mib"`
	Samples               [][3]float64 `json:"samples_s_mib_done"` // [seconds into the run, RSS, requests done]
	Verdict               string       `json:"verdict"`
	// Isolate is what the worker's isolate itself reports on /healthz.
	Isolate *IsolateMemory `json:"isolate,omitempty"`
}

// IsolateMemory is the isolate's memory in MiB, sampled during the load
// run. From GET /healthz: the Go instance's WebAssembly memory (the Go
// heap, stacks and runtime all live in it; it only grows) and the live Go
// heap inside it. From V8 itself, through workerd's inspector when there
// is one (-inspector; v8heap.mjs, Runtime.getHeapUsage), since nothing
// inside an isolate can read it: the JavaScript heap's used and total
// size and the ArrayBuffer backing stores, the wasm memory among them.
// Cloudflare counts the isolate's memory against 128 MB: V8's heap total
// plus its backing stores is that figure.
type IsolateMemory struct {
	WasmStart  float64      `json:"wasm_start_mib"`
	WasmMiddle float64      `json:"wasm_middle_mib"`
	WasmEnd    float64      `json:"wasm_end_mib"`
	WasmPeak   float64      `json:"wasm_peak_mib"`
	GoHeapPeak float64      `json:"go_heap_peak_mib"`
	LimitMiB   float64      `json:"limit_mib"`
	Samples    [][4]float64 `json:"samples_s_wasm_goheap_done"` // [seconds into the run, wasm MiB, Go heap MiB, requests done]
	// From V8 (absent without an inspector): at the start, the middle and
	// the end, and the peak of heap total plus backing stores.
	V8      *V8Heap `json:"v8,omitempty"`
	Verdict string  `json:"verdict"`
}

// V8Heap is Runtime.getHeapUsage over the load run, in MiB.
type V8Heap struct {
	StartUsed   float64 `json:"heap_used_start_mib"`
	MiddleUsed  float64 `json:"heap_used_middle_mib"`
	EndUsed     float64 `json:"heap_used_end_mib"`
	PeakTotal   float64 `json:"heap_total_peak_mib"`
	PeakBacking float64 `json:"backing_stores_peak_mib"`
	PeakIsolate float64 `json:"isolate_peak_mib"` // heap total + backing stores, the largest sample
	// [seconds into the run, heap used, heap total, backing stores, requests done]
	Samples [][5]float64 `json:"samples_s_used_total_backing_done"`
}

// V8Sample is one Runtime.getHeapUsage answer, in MiB.
type V8Sample struct{ Used, Total, Backing float64 }

// Bundle sizes of the worker upload.
type Bundle struct {
	WasmBytes      int64 `json:"app_wasm_bytes"`
	WasmGzipBytes  int64 `json:"app_wasm_gzip9_bytes"`
	TotalBytes     int64 `json:"total_bytes"`
	TotalGzipBytes int64 `json:"total_gzip9_bytes"`
}

type image struct {
	name string
	data []byte
	want model.Result
}

func run(cfg config) (*Report, error) {
	if err := checkLoopback(cfg.url); err != nil {
		return nil, err
	}
	if cfg.n < 0 || cfg.c <= 0 || cfg.seq < 0 || cfg.warmup < 1 {
		return nil, fmt.Errorf("-n and -seq must be at least 0, -c and -warmup at least 1")
	}
	ctx, cancel := context.WithTimeout(context.Background(), cfg.maxDuration)
	defer cancel()

	c, err := model.Open(cfg.model)
	if err != nil {
		return nil, fmt.Errorf("native classifier: %w", err)
	}
	imgs, err := loadImages(cfg, c)
	if err != nil {
		return nil, err
	}
	host, _ := os.Hostname()
	load, _ := os.ReadFile("/proc/loadavg")
	rep := &Report{
		Date: time.Now().UTC().Format(time.RFC3339), Host: fmt.Sprintf("%s, %d CPUs, %s/%s", host, runtime.NumCPU(), runtime.GOOS, runtime.GOARCH),
		Commit: gitCommit(), URL: cfg.url, Runtime: "workerd (npm workerd package) via edge/config.capnp", Model: c.Version(),
		LoadAvg:  strings.TrimSpace(string(load)),
		Requests: cfg.n,
	}
	rep.Bundle, err = bundleSize(cfg.buildDir)
	if err != nil {
		log.Printf("bundle size: %v", err)
	}
	// One connection per request for the cold starts and the requests
	// one at a time: each is timed from a fresh connection, as a first
	// visitor's is. The load run keeps its connections (loadClient).
	client := &http.Client{
		Timeout:   cfg.timeout,
		Transport: &http.Transport{DisableKeepAlives: true},
	}

	if cfg.coldRuns > 0 {
		rep.Cold, err = coldStarts(ctx, cfg, client, imgs[0])
		if err != nil {
			return rep, fmt.Errorf("cold start: %w", err)
		}
		cs := rep.Cold
		log.Printf("cold start (p50 of %d): process start to first answer %.0f ms wall, %.0f ms workerd CPU (listening after %.0f ms, %.0f CPU; the first /classify %.0f ms, %.0f CPU); with /healthz first: instance start %.0f ms (%.0f CPU), then /classify %.0f ms (%.0f CPU)",
			cfg.coldRuns, cs.ToFirstClassifyMS, cs.CPUToFirstClassifyMS, cs.ListenMS, cs.CPUToListenMS, cs.FirstClassifyMS, cs.CPUFirstClassifyMS,
			cs.FirstHealthzMS, cs.CPUFirstHealthzMS, cs.ClassifyAfterHealthzMS, cs.CPUClassifyAfterHealthzMS)
	}

	// One request at a time: warm-up (the first pays for decoding the
	// model and V8 compiling the hot code), then the measured requests.
	seq := &rep.Sequential
	seq.Warmup = cfg.warmup
	for i := 0; i < cfg.warmup; i++ {
		d, err := classify(ctx, client, cfg.url, imgs[i%len(imgs)])
		if err != nil {
			return rep, fmt.Errorf("warm-up request %d: %w", i, err)
		}
		if i == 0 {
			seq.FirstMS = round(harness.MS(d), 1)
		}
	}
	var cpu *harness.CPUMeter
	if cfg.pid > 0 {
		cpu = &harness.CPUMeter{Pid: cfg.pid}
	}
	classified := cfg.warmup
	if cfg.seq > 0 {
		seq.Classify, err = oneAtATime(ctx, client, cfg, cpu, c, imgs, classified)
		if err != nil {
			return rep, err
		}
		classified += cfg.seq
		lat, cpuMS, _, err := sequential(cpu, cfg.seq, func(int) (time.Duration, error) {
			return healthz(ctx, client, cfg.url)
		})
		if err != nil {
			return rep, fmt.Errorf("one at a time: %w", err)
		}
		seq.HealthzMS, seq.HealthzCPUMS = summarize(lat), cpuMS
		log.Printf("one at a time (%d each, after %d classifications): /classify p50 %.1f ms, CPU %.1f ms per request (%.1f of it on the isolate's thread); /healthz p50 %.1f ms, CPU %.2f ms per request; the same classifications natively (host reference): p50 %.2f ms, workerd %.2fx that",
			cfg.seq, seq.After, seq.ClassifyMS.P50, seq.ClassifyCPUMS, seq.ClassifyMainCPUMS, seq.HealthzMS.P50, seq.HealthzCPUMS, seq.NativeMS.P50, seq.PerNative)
		if cfg.steadyAfter > 0 {
			for ; classified < cfg.steadyAfter; classified++ {
				if _, err := classify(ctx, client, cfg.url, imgs[classified%len(imgs)]); err != nil {
					return rep, fmt.Errorf("warm-up to the steady state, request %d: %w", classified, err)
				}
			}
			st, err := oneAtATime(ctx, client, cfg, cpu, c, imgs, classified)
			if err != nil {
				return rep, err
			}
			classified += cfg.seq
			seq.Steady = &st
			log.Printf("steady (%d after %d classifications, V8's tier-up over): /classify p50 %.1f ms, CPU %.1f ms per request (%.1f of it on the isolate's thread); natively p50 %.2f ms, workerd %.2fx that",
				cfg.seq, st.After, st.ClassifyMS.P50, st.ClassifyCPUMS, st.ClassifyMainCPUMS, st.NativeMS.P50, st.PerNative)
		}
	}

	if cfg.against != "" && cfg.pairs > 0 {
		if rep.Against, err = against(ctx, cfg, client, c, imgs); err != nil {
			return rep, fmt.Errorf("against %s: %w", cfg.against, err)
		}
		a := rep.Against
		log.Printf("against %s (%d requests to each, alternately): this build p50 %.1f ms, CPU %.1f ms per request; that one p50 %.1f ms, CPU %.1f ms; this/that %.3f (CPU %.3f)",
			cfg.against, a.Pairs, a.This.P50, a.ThisCPUMS, a.Other.P50, a.OtherCPUMS, a.Ratio, a.CPURatio)
		if a.ThisNative != nil {
			log.Printf("natively, beside the pairs: this build's model %s p50 %.2f ms (workerd %.2fx that), that build's model %s p50 %.2f ms (workerd %.2fx that)",
				a.ThisModel, a.ThisNative.P50, a.ThisPerNative, a.OtherModel, a.OtherNative.P50, a.OtherPerNative)
		}
	}

	var mem *memSampler
	if cfg.pid > 0 {
		mem = &memSampler{pid: cfg.pid, url: cfg.url, inspector: cfg.inspector}
		if _, err := mem.rss(); err != nil {
			return rep, fmt.Errorf("reading workerd memory: %w", err)
		}
	}

	// The measured run: c clients take request numbers until n are done.
	if cfg.n == 0 {
		return rep, nil
	}
	var done atomic.Int64
	if mem != nil {
		mem.start(time.Now(), &done, int64(cfg.n))
	}
	var cpuMS func() (float64, error)
	if cpu != nil {
		cpuMS = cpu.MS
	}
	rep.LoadStats = loadRun(ctx, loadClient(cfg), []string{cfg.url}, imgs, cfg.n, cfg.c, cfg.batchEvery, &done, cpuMS)
	if mem != nil {
		rep.Memory = mem.finish(int64(cfg.n))
	}
	sent := int64(classified+cfg.seq) + done.Load() + 1 // + cfg.seq /healthz, + the /healthz below
	if rep.Isolate, err = isolateFetches(ctx, client, cfg.url, sent); err != nil {
		log.Printf("isolate counts: %v", err)
	} else {
		is := rep.Isolate
		log.Printf("isolate: %d fetches begun, %d ended, %d requests sent by this run (%d left hanging in the isolate, %d never reached it)",
			is.Begun, is.Ended, is.Sent, is.Begun-is.Ended, max(0, is.Sent-is.Begun))
	}

	log.Print(rep.LoadStats.summary())
	if m := rep.Memory; m != nil {
		log.Printf("workerd RSS: %.0f MiB at the start, %.0f in the middle, %.0f at the end (peak %.0f, idle %.0f): %s",
			m.Start, m.Middle, m.End, m.Peak, m.Idle, m.Verdict)
		if is := m.Isolate; is != nil {
			log.Printf("isolate (from /healthz, %d samples): wasm memory %.1f MiB at the start, %.1f in the middle, %.1f at the end (peak %.1f; Go heap peak %.1f) against 128 MiB: %s",
				len(is.Samples), is.WasmStart, is.WasmMiddle, is.WasmEnd, is.WasmPeak, is.GoHeapPeak, is.Verdict)
			if v := is.V8; v != nil {
				log.Printf("V8 (inspector, %d samples): JavaScript heap used %.1f MiB at the start, %.1f in the middle, %.1f at the end; heap total at most %.1f, backing stores at most %.1f MiB",
					len(v.Samples), v.StartUsed, v.MiddleUsed, v.EndUsed, v.PeakTotal, v.PeakBacking)
			}
		}
	}
	if cfg.procs > 1 && cfg.scaleN > 0 && ctx.Err() == nil {
		if rep.Scaling, err = scaling(ctx, cfg, client, imgs); err != nil {
			return rep, fmt.Errorf("scaling run: %w", err)
		}
	}
	switch {
	case ctx.Err() != nil:
		return rep, fmt.Errorf("time limit %v reached after %d of %d requests", cfg.maxDuration, rep.Completed, cfg.n)
	case rep.Errors > 0:
		return rep, fmt.Errorf("%d of %d requests failed, e.g. %s", rep.Errors, rep.Completed, rep.ErrorSample[0])
	case rep.Scaling != nil && rep.Scaling.Errors > 0:
		return rep, fmt.Errorf("scaling run: %d of %d requests failed, e.g. %s", rep.Scaling.Errors, rep.Scaling.Completed, rep.Scaling.ErrorSample[0])
	case rep.Memory != nil && !strings.HasPrefix(rep.Memory.Verdict, "ok"):
		return rep, fmt.Errorf("memory: %s", rep.Memory.Verdict)
	case rep.Memory != nil && rep.Memory.Isolate != nil && !strings.HasPrefix(rep.Memory.Isolate.Verdict, "ok"):
		return rep, fmt.Errorf("isolate memory: %s", rep.Memory.Isolate.Verdict)
	}
	return rep, nil
}

// checkLoopback refuses anything but a loopback address: this tool
// generates load and must never point at a deployed worker by accident.
func checkLoopback(raw string) error {
	if raw == "" {
		return errors.New("no -url (or HIWL_EDGE_URL); run it through make bench-edge")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return err
	}
	switch u.Hostname() {
	case "127.0.0.1", "localhost", "::1":
		return nil
	}
	return fmt.Errorf("%s is not a loopback address", raw)
}

func loadImages(cfg config, c *model.Classifier) ([]image, error) {
	dir := cfg.dataDir
	if dir == "" {
		wd, _ := os.Getwd()
		for d := wd; ; d = filepath.Dir(d) {
			p := filepath.Join(d, "shared", "data", "gz-challenge-spiral", "validation")
			if st, err := os.Stat(p); err == nil && st.IsDir() {
				dir = p
				break
			}
			if filepath.Dir(d) == d {
				return nil, fmt.Errorf("shared/data/gz-challenge-spiral/validation not found above %s; pass -data", wd)
			}
		}
	}
	var files []string
	for _, sub := range []string{"spirals", "non_spirals"} {
		m, _ := filepath.Glob(filepath.Join(dir, sub, "*.jpg"))
		sort.Strings(m)
		files = append(files, m[:min(len(m), cfg.images/2)]...)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no JPEGs under %s", dir)
	}
	var imgs []image
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		p, err := c.Classify(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		imgs = append(imgs, image{name: filepath.Base(f), data: data, want: p.Result(false)})
	}
	return imgs, nil
}

// isolateFetches reads the isolate's fetch counts from one /healthz,
// which counts itself as begun and ended.
func isolateFetches(ctx context.Context, client *http.Client, base string, sent int64) (*IsolateFetches, error) {
	_, h, err := get(ctx, client, base+"/healthz")
	if err != nil {
		return nil, err
	}
	v := h.Get("X-Hiwl-Isolate-Fetches")
	is := &IsolateFetches{Sent: sent}
	if _, err := fmt.Sscanf(v, "%d %d", &is.Begun, &is.Ended); err != nil {
		return nil, fmt.Errorf("X-Hiwl-Isolate-Fetches %q: %v", v, err)
	}
	return is, nil
}

// classify sends one image and checks the answer against the native one.
func classify(ctx context.Context, client *http.Client, base string, img image) (time.Duration, error) {
	return classifyHeader(ctx, client, base, img, nil)
}

func classifyHeader(ctx context.Context, client *http.Client, base string, img image, header func(http.Header)) (time.Duration, error) {
	return classifyTraced(ctx, client, base, img, header, new(stages))
}

// loadClient is the load run's client: c connections kept between
// requests, as a front end keeps them to its origin. workerd closes a
// connection that has waited 5 s for its next request, timed by its event
// loop, so the client lets its own idle connections go after 4 s and
// never sends on one workerd is about to close. A request can still meet
// a connection closed under it; classification is idempotent, and the
// Idempotency-Key header (zero-length: not sent) lets the transport
// resend it on a fresh connection, which it does only when no byte of an
// answer came back. Those are counted (Report.Retried). With
// -fresh-connections, each request has a connection of its own instead.
func loadClient(cfg config) *http.Client {
	if cfg.fresh {
		return &http.Client{Timeout: cfg.timeout, Transport: &http.Transport{DisableKeepAlives: true}}
	}
	return &http.Client{
		Timeout: cfg.timeout,
		Transport: &http.Transport{
			MaxIdleConns:        cfg.c,
			MaxIdleConnsPerHost: cfg.c,
			IdleConnTimeout:     4 * time.Second,
		},
	}
}

// classifyTraced is classifyHeader recording in st how far the request got.
func classifyTraced(ctx context.Context, client *http.Client, base string, img image, header func(http.Header), st *stages) (time.Duration, error) {
	got, d, err := postImage(ctx, client, base, img, header, st)
	if err != nil {
		return d, err
	}
	return d, sameAsNative(img, got)
}

// sameAsNative checks a classification from the worker against the
// native one.
func sameAsNative(img image, got model.Result) error {
	if got.Label != img.want.Label || got.ModelVersion != img.want.ModelVersion {
		return fmt.Errorf("%s: label %q model %q, native %q %q", img.name, got.Label, got.ModelVersion, img.want.Label, img.want.ModelVersion)
	}
	for k, w := range img.want.Probabilities {
		if g, ok := got.Probabilities[k]; !ok || math.Abs(float64(g-w)) > 1e-4 {
			return fmt.Errorf("%s: p(%s) = %v, native %v", img.name, k, g, w)
		}
	}
	return nil
}

// classifyBatchTraced sends imgs as one batch (multipart, field "images")
// and checks every item against the native classification.
func classifyBatchTraced(ctx context.Context, client *http.Client, base string, imgs []image, st *stages) (time.Duration, error) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for _, img := range imgs {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="images"; filename=%q`, img.name))
		h.Set("Content-Type", "image/jpeg")
		pw, err := mw.CreatePart(h)
		if err != nil {
			return 0, err
		}
		pw.Write(img.data)
	}
	if err := mw.Close(); err != nil {
		return 0, err
	}
	name := fmt.Sprintf("batch of %d from %s", len(imgs), imgs[0].name)
	raw, d, err := post(ctx, client, base, mw.FormDataContentType(), body.Bytes(), name, nil, st)
	if err != nil {
		return d, err
	}
	var items []struct {
		Index  int           `json:"index"`
		Status int           `json:"status"`
		Result *model.Result `json:"result"`
		Error  string        `json:"error"`
	}
	if err := json.Unmarshal(raw, &items); err != nil || len(items) != len(imgs) {
		return d, fmt.Errorf("%s: answer is not %d items (%v): %.200s", name, len(imgs), err, raw)
	}
	for i, it := range items {
		if it.Index != i || it.Status != http.StatusOK || it.Result == nil {
			return d, fmt.Errorf("%s: item %d: index %d, status %d, %s", name, i, it.Index, it.Status, it.Error)
		}
		if err := sameAsNative(imgs[i], *it.Result); err != nil {
			return d, fmt.Errorf("%s: item %d: %w", name, i, err)
		}
	}
	return d, nil
}

// postImage sends img to /classify and returns the answer, which must be
// a 200 with a JSON classification, and the time to its last byte.
func postImage(ctx context.Context, client *http.Client, base string, img image, header func(http.Header), st *stages) (model.Result, time.Duration, error) {
	var got model.Result
	body, d, err := post(ctx, client, base, "image/jpeg", img.data, img.name, header, st)
	if err != nil {
		return got, d, err
	}
	if err := json.Unmarshal(body, &got); err != nil {
		return got, d, fmt.Errorf("%s: answer is not JSON: %v", img.name, err)
	}
	return got, d, nil
}

// post sends data to /classify and returns the answer's body, which must
// come with a 200, and the time to its last byte.
func post(ctx context.Context, client *http.Client, base, contentType string, data []byte, name string, header func(http.Header), st *stages) ([]byte, time.Duration, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/classify", bytes.NewReader(data))
	if err != nil {
		return nil, 0, err
	}
	req.Header.Set("Content-Type", contentType)
	req.Header["Idempotency-Key"] = []string{}
	req = req.WithContext(httptrace.WithClientTrace(req.Context(), st.trace()))
	t0 := time.Now()
	st.t0 = t0
	res, err := client.Do(req)
	if err != nil {
		return nil, time.Since(t0), fmt.Errorf("%w (%s)", err, st.String())
	}
	body, err := io.ReadAll(io.LimitReader(res.Body, 4<<20))
	res.Body.Close()
	d := time.Since(t0)
	if err != nil {
		return nil, d, fmt.Errorf("reading the answer: %w (%s)", err, st.String())
	}
	if header != nil {
		header(res.Header)
	}
	if res.StatusCode != http.StatusOK {
		return nil, d, fmt.Errorf("%s: status %d: %.200s", name, res.StatusCode, body)
	}
	return body, d, nil
}

// memSampler reads workerd's VmRSS once a second during the run, the
// isolate's own memory from /healthz (url) as often as it answers, and
// V8's heap through the inspector (inspector, host:port) every few
// seconds.
type memSampler struct {
	url       string
	inspector string
	iso       [][4]float64
	v8        [][5]float64
	pid       int
	mu        sync.Mutex
	samples   [][3]float64
	early     float64
	before    float64
	// collectedBefore is RSS, and collectedV8 V8's heap, after a full
	// collection just before the run.
	collectedBefore float64
	collectedV8     V8Sample
	stop            chan struct{}
	stopped         chan struct{}
}

func (m *memSampler) status() (map[string]float64, error) {
	vm, err := harness.VmKB(m.pid)
	if err != nil {
		return nil, err
	}
	out := map[string]float64{}
	for k, kb := range vm {
		out[k] = round(float64(kb)/1024, 1)
	}
	return out, nil
}

func (m *memSampler) rss() (float64, error) {
	st, err := m.status()
	if err != nil {
		return 0, err
	}
	v, ok := st["VmRSS"]
	if !ok {
		return 0, fmt.Errorf("no VmRSS in /proc/%d/status", m.pid)
	}
	return v, nil
}

// isolate reads /healthz's memory, in MiB: wasm memory and Go heap.
func (m *memSampler) isolate() (wasm, goHeap float64, err error) {
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	res, err := client.Get(m.url + "/healthz")
	if err != nil {
		return 0, 0, err
	}
	defer res.Body.Close()
	var h struct {
		Memory struct {
			Wasm   float64 `json:"wasm_memory_bytes"`
			GoHeap float64 `json:"go_heap_bytes"`
		} `json:"memory"`
	}
	if err := json.NewDecoder(res.Body).Decode(&h); err != nil {
		return 0, 0, fmt.Errorf("/healthz: %d: %w", res.StatusCode, err)
	}
	if h.Memory.Wasm == 0 {
		return 0, 0, errors.New("/healthz reports no wasm memory")
	}
	return round(h.Memory.Wasm/(1<<20), 1), round(h.Memory.GoHeap/(1<<20), 1), nil
}

// v8heap asks V8 for the isolate's heap through workerd's inspector
// (v8heap.mjs).
// With collect, V8 runs a full collection first.
func (m *memSampler) v8heap(collect bool) (V8Sample, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Second)
	defer cancel()
	args := []string{filepath.Join("bench", "loadtest", "v8heap.mjs"), m.inspector}
	if collect {
		args = append(args, "--gc")
	}
	out, err := exec.CommandContext(ctx, "node", args...).Output()
	if err != nil {
		return V8Sample{}, fmt.Errorf("v8heap.mjs: %w", err)
	}
	var u struct{ UsedSize, TotalSize, BackingStorageSize float64 }
	if err := json.Unmarshal(out, &u); err != nil || u.TotalSize == 0 {
		return V8Sample{}, fmt.Errorf("v8heap.mjs said %q (%v)", out, err)
	}
	mib := func(b float64) float64 { return round(b/(1<<20), 1) }
	return V8Sample{mib(u.UsedSize), mib(u.TotalSize), mib(u.BackingStorageSize)}, nil
}

func (m *memSampler) start(t0 time.Time, done *atomic.Int64, n int64) {
	if m.inspector != "" {
		// before m.before, so that the run's RSS samples start where this
		// collection left the process
		if v, v8, err := m.collected(); err == nil {
			m.collectedBefore, m.collectedV8 = v, v8
		} else {
			log.Printf("V8 collection before the run: %v", err)
		}
	}
	m.before, _ = m.rss()
	m.stop, m.stopped = make(chan struct{}), make(chan struct{})
	isoDone, v8Done := make(chan struct{}), make(chan struct{})
	if m.inspector != "" {
		if v, err := m.v8heap(false); err == nil {
			m.v8 = append(m.v8, [5]float64{0, v.Used, v.Total, v.Backing, 0})
		} else {
			log.Printf("V8 heap: %v", err)
		}
		go func() {
			defer close(v8Done)
			for {
				select {
				case <-m.stop:
					return
				case <-time.After(5 * time.Second):
				}
				v, err := m.v8heap(false)
				if err != nil {
					continue
				}
				m.mu.Lock()
				m.v8 = append(m.v8, [5]float64{round(time.Since(t0).Seconds(), 1), v.Used, v.Total, v.Backing, float64(done.Load())})
				m.mu.Unlock()
			}
		}()
	} else {
		close(v8Done)
	}
	if m.url != "" {
		if w, g, err := m.isolate(); err == nil {
			m.iso = append(m.iso, [4]float64{0, w, g, 0})
		} else {
			log.Printf("isolate memory: %v", err)
		}
		// Each /healthz waits its turn behind the load's requests, so
		// these samples come as fast as the isolate answers them.
		go func() {
			defer close(isoDone)
			for {
				select {
				case <-m.stop:
					return
				case <-time.After(time.Second):
				}
				w, g, err := m.isolate()
				if err != nil {
					continue
				}
				m.mu.Lock()
				m.iso = append(m.iso, [4]float64{round(time.Since(t0).Seconds(), 1), w, g, float64(done.Load())})
				m.mu.Unlock()
			}
		}()
	} else {
		close(isoDone)
	}
	go func() {
		defer func() { <-isoDone; <-v8Done }()
		defer close(m.stopped)
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			select {
			case <-m.stop:
				return
			case <-tick.C:
			}
			v, err := m.rss()
			if err != nil {
				continue
			}
			d := done.Load()
			m.mu.Lock()
			m.samples = append(m.samples, [3]float64{round(time.Since(t0).Seconds(), 1), v, float64(d)})
			if d <= n/10 {
				m.early = max(m.early, v)
			}
			m.mu.Unlock()
		}
	}()
}

// collected has V8 run a full collection, waits a second for the freed
// pages to leave, and reads RSS; v8 is V8's heap after it.
func (m *memSampler) collected() (rss float64, v8 V8Sample, err error) {
	v8, err = m.v8heap(true)
	if err != nil {
		return 0, v8, err
	}
	time.Sleep(time.Second)
	rss, err = m.rss()
	return rss, v8, err
}

func (m *memSampler) finish(n int64) *Memory {
	close(m.stop)
	<-m.stopped
	end, _ := m.rss()
	time.Sleep(3 * time.Second)
	idle, _ := m.rss()
	st, _ := m.status()
	out := &Memory{PID: m.pid, Start: m.before, FirstTenth: m.early, End: end, Idle: idle, HWM: st["VmHWM"], Samples: m.samples}
	if m.collectedBefore > 0 {
		if v, v8, err := m.collected(); err == nil {
			out.CollectedBefore, out.CollectedEnd = m.collectedBefore, v
			out.CollectedV8Before, out.CollectedV8End = &m.collectedV8, &v8
		} else {
			log.Printf("V8 collection after the run: %v", err)
		}
	}
	out.Middle = end
	best := math.Inf(1)
	for _, s := range m.samples {
		out.Peak = max(out.Peak, s[1])
		if d := math.Abs(s[2] - float64(n)/2); d < best {
			best, out.Middle = d, s[1]
		}
	}
	if out.FirstTenth == 0 { // run shorter than a sample interval
		out.FirstTenth = max(m.before, end)
	}
	out.Growth = round(end-out.FirstTenth, 1)
	if m.url != "" {
		out.Isolate = m.isolateSummary(n)
	}
	// V8 collects on its own schedule, so allow some noise; a leak of even
	// a few KB per request would show as tens of MB over thousands of
	// requests.
	allowed := max(32, 0.15*out.FirstTenth)
	rss := fmt.Sprintf("%+.1f MiB from early in the run to the end (allowed %.0f)", out.Growth, allowed)
	if out.CollectedV8End != nil && out.Isolate != nil && len(out.Isolate.Samples) > 1 {
		// With V8's collections the verdict is on what the isolate still
		// holds after them, besides its wasm memory (which grows to the
		// largest request's need and stays): workerd's RSS also keeps
		// pages its allocator freed, and the heap snapshot that makes the
		// collection allocates memory of its own in workerd.
		b, e := out.CollectedV8Before, out.CollectedV8End
		wasm0, wasm1 := out.Isolate.Samples[0][1], out.Isolate.Samples[len(out.Isolate.Samples)-1][1]
		kept := isolateRetained(*b, *e, wasm0, wasm1)
		out.IsolateRetainedGrowth = &kept
		what := fmt.Sprintf("after V8's full collections the isolate holds %+.1f MiB more besides its wasm memory than before the run (JavaScript heap in use %.1f then %.1f MiB, heap total %.1f then %.1f, backing stores %.1f then %.1f, wasm memory %.1f then %.1f; allowed %d); workerd RSS %s, %.0f MiB after the last collection, not a verdict",
			kept, b.Used, e.Used, b.Total, e.Total, b.Backing, e.Backing, wasm0, wasm1, isolateRetainedAllowed, rss, out.CollectedEnd)
		if kept <= isolateRetainedAllowed {
			out.Verdict = "ok: " + what
		} else {
			out.Verdict = "GROWTH: " + what
		}
		return out
	}
	if out.Growth <= allowed {
		out.Verdict = "ok: " + rss
	} else {
		out.Verdict = "GROWTH: " + rss
	}
	return out
}

// isolateRetained is how much more the isolate holds after a full
// collection at the end (e) than before the run (b), besides its wasm
// memory (wasm0, wasm1: the wasm memory is among the backing stores, and
// it grows to the largest request's need and stays), in MiB.
func isolateRetained(b, e V8Sample, wasm0, wasm1 float64) float64 {
	return round((e.Total+e.Backing-wasm1)-(b.Total+b.Backing-wasm0), 1)
}

// isolateRetainedAllowed bounds IsolateRetainedGrowth, in MiB: a leak of
// 1 KB per request is 10 MiB over 10,000 requests.
const isolateRetainedAllowed = 4

func (m *memSampler) isolateSummary(n int64) *IsolateMemory {
	if w, g, err := m.isolate(); err == nil {
		m.iso = append(m.iso, [4]float64{-1, w, g, float64(n)}) // after the run
	}
	out := &IsolateMemory{LimitMiB: 128, Samples: m.iso}
	if len(m.iso) == 0 {
		out.Verdict = "no samples: /healthz did not report the wasm memory"
		return out
	}
	out.WasmStart, out.WasmEnd = m.iso[0][1], m.iso[len(m.iso)-1][1]
	best := math.Inf(1)
	for _, s := range m.iso {
		out.WasmPeak = max(out.WasmPeak, s[1])
		out.GoHeapPeak = max(out.GoHeapPeak, s[2])
		if d := math.Abs(s[3] - float64(n)/2); d < best {
			best, out.WasmMiddle = d, s[1]
		}
	}
	if m.inspector != "" {
		if v, err := m.v8heap(false); err == nil {
			m.v8 = append(m.v8, [5]float64{-1, v.Used, v.Total, v.Backing, float64(n)})
		}
	}
	if len(m.v8) > 0 {
		h := &V8Heap{Samples: m.v8, StartUsed: m.v8[0][1], EndUsed: m.v8[len(m.v8)-1][1]}
		best := math.Inf(1)
		for _, s := range m.v8 {
			h.PeakTotal = max(h.PeakTotal, s[2])
			h.PeakBacking = max(h.PeakBacking, s[3])
			h.PeakIsolate = max(h.PeakIsolate, round(s[2]+s[3], 1))
			if d := math.Abs(s[4] - float64(n)/2); d < best {
				best, h.MiddleUsed = d, s[1]
			}
		}
		out.V8 = h
	}
	switch {
	case out.V8 != nil && out.V8.PeakIsolate >= out.LimitMiB:
		out.Verdict = fmt.Sprintf("OVER: V8 heap and backing stores reached %.1f MiB, over Cloudflare's 128 MB per isolate", out.V8.PeakIsolate)
	case out.V8 != nil:
		out.Verdict = fmt.Sprintf("ok: the isolate (V8 heap total plus backing stores, the wasm memory among them) at most %.1f MiB, %.0f %% of 128 MiB; wasm memory at most %.1f MiB", out.V8.PeakIsolate, 100*out.V8.PeakIsolate/out.LimitMiB, out.WasmPeak)
	case out.WasmPeak < out.LimitMiB:
		out.Verdict = fmt.Sprintf("ok: wasm memory at most %.1f MiB (%.0f %% of 128 MiB); V8's own heap comes on top (no -inspector to read it)", out.WasmPeak, 100*out.WasmPeak/out.LimitMiB)
	default:
		out.Verdict = fmt.Sprintf("OVER: wasm memory reached %.1f MiB, over Cloudflare's 128 MB per isolate", out.WasmPeak)
	}
	return out
}

func bundleSize(dir string) (Bundle, error) {
	var b Bundle
	var all bytes.Buffer
	entries, err := os.ReadDir(dir)
	if err != nil {
		return b, err
	}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return b, err
		}
		b.TotalBytes += int64(len(data))
		all.Write(data)
		if e.Name() == "app.wasm" {
			b.WasmBytes = int64(len(data))
			b.WasmGzipBytes = harness.GzipBytes(data)
		}
	}
	b.TotalGzipBytes = harness.GzipBytes(all.Bytes())
	return b, nil
}

func summarize(v []float64) Summary {
	if len(v) == 0 {
		return Summary{}
	}
	s := slices.Clone(v)
	sort.Float64s(s)
	var sum float64
	for _, x := range s {
		sum += x
	}
	q := func(p float64) float64 { return round(s[min(len(s)-1, int(math.Ceil(p*float64(len(s))))-1)], 1) }
	return Summary{N: len(s), Mean: round(sum/float64(len(s)), 1), P50: q(0.50), P90: q(0.90), P99: q(0.99), Max: round(s[len(s)-1], 1)}
}

func round(x float64, digits int) float64 {
	p := math.Pow(10, float64(digits))
	return math.Round(x*p) / p
}

// writeJSON writes atomically: a temporary file renamed into place.
func writeJSON(path string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return atomicfile.WriteBytes(path, append(data, '\n'))
}

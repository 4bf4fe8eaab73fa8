package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/hiwl/hiwl/bench/harness"
)

// Against compares this worker with another build of it (-against DIR),
// one request at a time. The host is shared and its speed moves by a
// third within minutes, so two builds timed one after the other differ by
// more than most changes do; here both run in workerd at once and take
// the requests in turn (ABBA order), each image once to each, and each
// build's CPU time is read from its own process over the same interval.
type Against struct {
	Build string `json:"build"` // the other bundle folder
	Pairs int    `json:"pairs"`
	// This and Other are /classify latency; ThisCPUMS and OtherCPUMS the
	// workerd CPU per request of each process over the pairs.
	This       Summary `json:"this_ms"`
	Other      Summary `json:"other_ms"`
	ThisCPUMS  float64 `json:"this_cpu_per_request_ms,omitempty"`
	OtherCPUMS float64 `json:"other_cpu_per_request_ms"`
	// Ratio is this build's median over the other's; CPURatio the same
	// for CPU per request (0 without this workerd's process id).
	Ratio    float64 `json:"this_per_other_p50"`
	CPURatio float64 `json:"this_per_other_cpu,omitempty"`
}

// against starts the bundle in cfg.against in a workerd of its own and
// alternates cfg.pairs /classify requests between it and cfg.url.
func against(ctx context.Context, cfg config, client *http.Client, imgs []image) (*Against, error) {
	build, err := filepath.Abs(cfg.against)
	if err != nil {
		return nil, err
	}
	for _, f := range []string{"entry.mjs", "wasm_exec.js", "app.wasm"} {
		if _, err := os.Stat(filepath.Join(build, f)); err != nil {
			return nil, fmt.Errorf("-against %s is not a worker bundle (make edge-build's edge/build): %w", cfg.against, err)
		}
	}
	oc := cfg
	if cfg.againstConf != "" {
		// The other build's own configuration: another commit's bundle
		// may hold other modules than this one's.
		oc.wdConfig = cfg.againstConf
	} else {
		// The configuration embeds build/… relative to its own folder: a
		// copy of it beside a link to the other bundle serves that bundle.
		dir, err := os.MkdirTemp("", "hiwl-against-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(dir)
		conf, err := os.ReadFile(cfg.wdConfig)
		if err != nil {
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(dir, "config.capnp"), conf, 0o644); err != nil {
			return nil, err
		}
		if err := os.Symlink(build, filepath.Join(dir, "build")); err != nil {
			return nil, err
		}
		oc.wdConfig = filepath.Join(dir, "config.capnp")
	}
	other, err := harness.StartWorkerd(ctx, oc.workerd, oc.wdConfig)
	if err != nil {
		return nil, fmt.Errorf("the other build: %w", err)
	}
	defer other.Stop()

	send := func(which, i int) (time.Duration, error) {
		img := imgs[i%len(imgs)]
		if which == 0 {
			return classify(ctx, client, cfg.url, img)
		}
		return classifyOther(ctx, client, other.URL, img)
	}
	for i := range cfg.warmup {
		for which := range 2 {
			if _, err := send(which, i); err != nil {
				return nil, fmt.Errorf("warm-up: %w", err)
			}
		}
	}
	meters := []*harness.CPUMeter{nil, {Pid: other.Pid()}}
	if cfg.pid > 0 {
		meters[0] = &harness.CPUMeter{Pid: cfg.pid}
	}
	var c0 [2]float64
	for w, m := range meters {
		if m != nil {
			if c0[w], err = m.MS(); err != nil {
				return nil, err
			}
		}
	}
	lat := [2][]float64{}
	for i := range cfg.pairs {
		first := i % 2 // ABBA: neither build always goes first
		for k := range 2 {
			which := first ^ k
			d, err := send(which, i)
			if err != nil {
				return nil, fmt.Errorf("pair %d: %w", i, err)
			}
			lat[which] = append(lat[which], harness.MS(d))
		}
	}
	a := &Against{Build: build, Pairs: cfg.pairs, This: summarize(lat[0]), Other: summarize(lat[1])}
	var cpu [2]float64
	for w, m := range meters {
		if m != nil {
			c1, err := m.MS()
			if err != nil {
				return nil, err
			}
			cpu[w] = round((c1-c0[w])/float64(cfg.pairs), 2)
		}
	}
	a.ThisCPUMS, a.OtherCPUMS = cpu[0], cpu[1]
	a.Ratio = round(a.This.P50/a.Other.P50, 3)
	if cpu[0] > 0 && cpu[1] > 0 {
		a.CPURatio = round(cpu[0]/cpu[1], 3)
	}
	return a, nil
}

// classifyOther sends one image to the other build, which may hold
// another model, so its answer is only checked to be a classification.
func classifyOther(ctx context.Context, client *http.Client, base string, img image) (time.Duration, error) {
	got, d, err := postImage(ctx, client, base, img, nil, new(stages))
	if err == nil && got.Label == "" {
		err = fmt.Errorf("%s: the other build's answer has no label", img.name)
	}
	return d, err
}

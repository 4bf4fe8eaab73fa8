package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/hiwl/hiwl/bench/harness"
	"github.com/hiwl/hiwl/model"
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
	// With -against-model: both models, and each one's classifications
	// timed natively in this process (package model, one at a time), one
	// of each beside every pair, so that each build's figures have their
	// host reference from the same minutes; PerNative is a build's median
	// over its model's native median.
	ThisModel      string   `json:"this_model_version,omitempty"`
	OtherModel     string   `json:"other_model_version,omitempty"`
	ThisNative     *Summary `json:"this_native_ms,omitempty"`
	OtherNative    *Summary `json:"other_native_ms,omitempty"`
	ThisPerNative  float64  `json:"this_p50_per_native_p50,omitempty"`
	OtherPerNative float64  `json:"other_p50_per_native_p50,omitempty"`
}

// against starts the bundle in cfg.against in a workerd of its own and
// alternates cfg.pairs /classify requests between it and cfg.url.
// With cfg.againstModel, the other build's answers are checked against
// that model's native ones, and both models are timed natively too.
func against(ctx context.Context, cfg config, client *http.Client, c *model.Classifier, imgs []image) (*Against, error) {
	var oc *model.Classifier
	var others []image // imgs with the other model's answers
	if cfg.againstModel != "" {
		var err error
		if oc, err = model.Open(cfg.againstModel); err != nil {
			return nil, fmt.Errorf("-against-model: %w", err)
		}
		for _, img := range imgs {
			p, err := oc.Classify(img.data)
			if err != nil {
				return nil, fmt.Errorf("-against-model: %s: %w", img.name, err)
			}
			img.want = p.Result(false)
			others = append(others, img)
		}
	}
	build, err := filepath.Abs(cfg.against)
	if err != nil {
		return nil, err
	}
	for _, f := range []string{"entry.mjs", "wasm_exec.js", "app.wasm"} {
		if _, err := os.Stat(filepath.Join(build, f)); err != nil {
			return nil, fmt.Errorf("-against %s is not a worker bundle (make edge-build's edge/build): %w", cfg.against, err)
		}
	}
	ocfg := cfg
	if cfg.againstConf != "" {
		// The other build's own configuration: another commit's bundle
		// may hold other modules than this one's.
		ocfg.wdConfig = cfg.againstConf
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
		ocfg.wdConfig = filepath.Join(dir, "config.capnp")
	}
	other, err := harness.StartWorkerd(ctx, ocfg.workerd, ocfg.wdConfig)
	if err != nil {
		return nil, fmt.Errorf("the other build: %w", err)
	}
	defer other.Stop()

	send := func(which, i int) (time.Duration, error) {
		img := imgs[i%len(imgs)]
		switch {
		case which == 0:
			return classify(ctx, client, cfg.url, img)
		case others != nil:
			return classify(ctx, client, other.URL, others[i%len(others)])
		}
		return classifyOther(ctx, client, other.URL, img)
	}
	var native [2][]float64
	timeNative := func(which, i int) error {
		m := c
		if which == 1 {
			m = oc
		}
		start := time.Now()
		_, err := m.Classify(imgs[i%len(imgs)].data)
		native[which] = append(native[which], harness.MS(time.Since(start)))
		return err
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
		if oc != nil {
			for k := range 2 {
				if err := timeNative(first^k, i); err != nil {
					return nil, fmt.Errorf("native reference: %w", err)
				}
			}
		}
	}
	a := &Against{Build: build, Pairs: cfg.pairs, This: summarize(lat[0]), Other: summarize(lat[1])}
	if oc != nil {
		tn, on := summarize(native[0]), summarize(native[1])
		a.ThisModel, a.OtherModel = c.Version(), oc.Version()
		a.ThisNative, a.OtherNative = &tn, &on
		a.ThisPerNative, a.OtherPerNative = round(a.This.P50/tn.P50, 2), round(a.Other.P50/on.P50, 2)
	}
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

package crossruntime

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/hiwl/hiwl/bench/harness"
)

// RunScript runs node js/<script> on manifest m, bounded by m.TimeoutMS
// (the script's own watchdog) and ctx, and returns the JSON it wrote.
func RunScript(ctx context.Context, w *Work, m Manifest, script string, extra ...string) ([]byte, error) {
	name := script + "-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	mpath, err := w.WriteManifest(name+".manifest.json", m)
	if err != nil {
		return nil, err
	}
	out := filepath.Join(w.Dir, name+".result.json")
	js := filepath.Join(m.Root, "bench", "crossruntime", "js", script)
	args := append([]string{js, "--manifest", mpath, "--out", out}, extra...)
	c, err := harness.Start(m.Root, nil, "node", args...)
	if err != nil {
		return nil, fmt.Errorf("crossruntime: node %s: %w (is Node installed?)", script, err)
	}
	if m.TimeoutMS > 0 {
		// The script's watchdog fires first; this is the backstop.
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, time.Duration(m.TimeoutMS)*time.Millisecond+10*time.Second)
		defer cancel()
	}
	werr := c.Wait(ctx)
	data, rerr := os.ReadFile(out)
	if rerr == nil {
		var e struct {
			Error string `json:"error"`
		}
		if json.Unmarshal(data, &e) == nil && e.Error != "" {
			return nil, fmt.Errorf("crossruntime: %s: %s", script, e.Error)
		}
	}
	if werr != nil {
		return nil, fmt.Errorf("crossruntime: node %s %v: %w\n%s", script, extra, werr, c.Out.String())
	}
	if rerr != nil {
		return nil, fmt.Errorf("crossruntime: %s wrote no result: %w\n%s", script, rerr, c.Out.String())
	}
	return data, nil
}

// RunNodeRuntime runs a script that measures one runtime, once in full and
// m.ColdStarts-1 more times for cold starts only (each a fresh process).
func RunNodeRuntime(ctx context.Context, w *Work, m Manifest, script string, extra ...string) (*Measurement, error) {
	data, err := RunScript(ctx, w, m, script, extra...)
	if err != nil {
		return nil, err
	}
	var r Measurement
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("crossruntime: %s: %w", script, err)
	}
	cold := m
	cold.Warmup, cold.Runs = 0, 0
	for i := 1; i < m.ColdStarts; i++ {
		data, err := RunScript(ctx, w, cold, script, extra...)
		if err != nil {
			return nil, err
		}
		var c Measurement
		if err := json.Unmarshal(data, &c); err != nil {
			return nil, fmt.Errorf("crossruntime: %s: %w", script, err)
		}
		r.ColdMS = append(r.ColdMS, c.ColdMS...)
	}
	return &r, nil
}

// RunChromium measures the given in-browser runtimes ("ort-web",
// "hiwl-wasm") in headless Chromium.
func RunChromium(ctx context.Context, w *Work, m Manifest, runtimes ...string) (map[string]*Measurement, error) {
	m.ChromiumRuntimes = runtimes
	data, err := RunScript(ctx, w, m, "chromium.mjs")
	if err != nil {
		return nil, err
	}
	var r map[string]*Measurement
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("crossruntime: chromium.mjs: %w", err)
	}
	for _, k := range runtimes {
		if r[k] == nil {
			return nil, fmt.Errorf("crossruntime: chromium.mjs did not measure %s", k)
		}
	}
	return r, nil
}

// RunEdge measures the edge worker (edge/build, `make edge-build`) in
// workerd on loopback. Its cold start runs from starting workerd to the
// first /classify answer; latency is sequential POST /classify round trips
// with the image bytes; memory is workerd's VmHWM. The worker keeps one Go
// instance per isolate (edge/glue), so only the first request pays Go's
// start and the model's decoding; that is the cold start.
func RunEdge(ctx context.Context, m Manifest) (*Measurement, error) {
	bin := filepath.Join(m.Root, "node_modules", ".bin", "workerd")
	config := filepath.Join(m.Root, "edge", "config.capnp")
	for _, f := range []string{bin, filepath.Join(m.Root, "edge", "build", "app.wasm")} {
		if _, err := os.Stat(f); err != nil {
			return nil, fmt.Errorf("crossruntime: %w (npm install at the root; make edge-build)", err)
		}
	}
	if m.TimeoutMS > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, time.Duration(m.TimeoutMS)*time.Millisecond)
		defer cancel()
	}
	inputs := make([][]byte, len(m.Images))
	for i, f := range m.Images {
		var err error
		if inputs[i], err = os.ReadFile(f); err != nil {
			return nil, err
		}
	}
	r := &Measurement{Raw: make([]*RawOutput, len(inputs)), Info: map[string]any{}}
	for i := 0; i < max(1, m.ColdStarts); i++ {
		full := i == 0
		if err := edgeOnce(ctx, bin, config, m, inputs, r, full); err != nil {
			return nil, err
		}
	}
	return r, nil
}

func edgeOnce(ctx context.Context, bin, config string, m Manifest, inputs [][]byte, r *Measurement, full bool) error {
	t0 := time.Now()
	c, err := harness.StartWorkerd(ctx, bin, config)
	if err != nil {
		return fmt.Errorf("crossruntime: %w", err)
	}
	defer c.Stop()
	base := c.URL
	client := &http.Client{Timeout: 60 * time.Second}
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/healthz", nil)
		resp, err := client.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		select {
		case <-c.Exited():
			return fmt.Errorf("crossruntime: workerd exited before answering:\n%s", c.Out.String())
		case <-ctx.Done():
			return fmt.Errorf("crossruntime: workerd did not answer /healthz: %w\n%s", ctx.Err(), c.Out.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
	up := time.Since(t0)
	first, err := edgeClassify(ctx, client, base, inputs[0])
	if err != nil {
		return fmt.Errorf("%w\n%s", err, c.Out.String())
	}
	r.ColdMS = append(r.ColdMS, harness.MS(time.Since(t0)))
	if !full {
		return nil
	}
	r.LoadMS = harness.MS(up)
	r.Info["workerd_start_ms"] = harness.MS(up)
	r.Raw[0] = first
	if r.WarmupRuns, err = warmUp(m, func(i int) error {
		_, err := edgeClassify(ctx, client, base, inputs[i%len(inputs)])
		return err
	}); err != nil {
		return err
	}
	for i := 0; i < m.Runs; i++ {
		k := i % len(inputs)
		t := time.Now()
		out, err := edgeClassify(ctx, client, base, inputs[k])
		if err != nil {
			return err
		}
		r.LatencyMS = append(r.LatencyMS, harness.MS(time.Since(t)))
		if i < len(inputs) {
			r.Raw[k] = out
		}
	}
	if r.PeakRSSKB, err = harness.PeakRSSKB(c.Pid()); err != nil {
		return err
	}
	return nil
}

func edgeClassify(ctx context.Context, client *http.Client, base string, img []byte) (*RawOutput, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/classify", bytes.NewReader(img))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "image/jpeg")
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("crossruntime: edge /classify: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("crossruntime: edge /classify: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("crossruntime: edge /classify: %s: %s", resp.Status, body)
	}
	var out RawOutput
	if err := json.Unmarshal(body, &out.Result); err != nil {
		return nil, fmt.Errorf("crossruntime: edge /classify answer: %w", err)
	}
	return &out, nil
}

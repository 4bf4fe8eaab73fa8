package crossruntime

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// tail keeps the last bytes written to it: enough of a child's output to
// explain a failure, never an unbounded buffer.
type tail struct {
	mu  sync.Mutex
	buf []byte
}

const tailBytes = 8 << 10

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if len(t.buf) > tailBytes {
		t.buf = append([]byte(nil), t.buf[len(t.buf)-tailBytes:]...)
	}
	return len(p), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}

// child is a started process in its own process group, so that stopping
// it stops what it started (Node's own children).
type child struct {
	cmd  *exec.Cmd
	out  *tail
	done chan error
}

func start(dir string, env []string, name string, args ...string) (*child, error) {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	// Its own process group, so stop reaches what it starts; and SIGTERM
	// when this process dies, so that an interrupted test or benchmark
	// leaves no workerd or Node behind.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	c := &child{cmd: cmd, out: &tail{}, done: make(chan error, 1)}
	cmd.Stdout, cmd.Stderr = c.out, c.out
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	go func() { c.done <- cmd.Wait() }()
	return c, nil
}

// wait waits for the child to exit; when ctx ends first it is stopped.
func (c *child) wait(ctx context.Context) error {
	select {
	case err := <-c.done:
		c.done <- err
		return err
	case <-ctx.Done():
		c.stop()
		return fmt.Errorf("%s: %w", filepath.Base(c.cmd.Path), ctx.Err())
	}
}

// stop asks the process group to end (SIGTERM lets Node close the browsers
// it launched), then kills it after a grace period.
func (c *child) stop() {
	pid := c.cmd.Process.Pid
	select {
	case err := <-c.done:
		c.done <- err
		return
	default:
	}
	syscall.Kill(-pid, syscall.SIGTERM)
	select {
	case err := <-c.done:
		c.done <- err
	case <-time.After(5 * time.Second):
		syscall.Kill(-pid, syscall.SIGKILL)
		err := <-c.done
		c.done <- err
	}
}

// RunScript runs node js/<script> on manifest m, bounded by m.TimeoutMS
// (the script's own watchdog) and ctx, and returns the JSON it wrote.
func RunScript(ctx context.Context, w *Work, m Manifest, script string, extra ...string) ([]byte, error) {
	name := script + "-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	mpath, err := w.WriteManifest(name+".manifest.json", m)
	if err != nil {
		return nil, err
	}
	out := filepath.Join(w.Dir, name+".result.json")
	js := filepath.Join(m.Root, "trainer", "crossruntime", "js", script)
	args := append([]string{js, "--manifest", mpath, "--out", out}, extra...)
	c, err := start(m.Root, nil, "node", args...)
	if err != nil {
		return nil, fmt.Errorf("crossruntime: node %s: %w (is Node installed?)", script, err)
	}
	if m.TimeoutMS > 0 {
		// The script's watchdog fires first; this is the backstop.
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, time.Duration(m.TimeoutMS)*time.Millisecond+10*time.Second)
		defer cancel()
	}
	werr := c.wait(ctx)
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
		return nil, fmt.Errorf("crossruntime: node %s %v: %w\n%s", script, extra, werr, c.out.String())
	}
	if rerr != nil {
		return nil, fmt.Errorf("crossruntime: %s wrote no result: %w\n%s", script, rerr, c.out.String())
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
	port, err := freePort()
	if err != nil {
		return err
	}
	t0 := time.Now()
	c, err := start(m.Root, nil, bin, "serve", config, "--socket-addr", "http=127.0.0.1:"+port)
	if err != nil {
		return fmt.Errorf("crossruntime: workerd: %w", err)
	}
	defer c.stop()
	base := "http://127.0.0.1:" + port
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
		case <-c.done:
			return fmt.Errorf("crossruntime: workerd exited before answering:\n%s", c.out.String())
		case <-ctx.Done():
			return fmt.Errorf("crossruntime: workerd did not answer /healthz: %w\n%s", ctx.Err(), c.out.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
	up := time.Since(t0)
	first, err := edgeClassify(ctx, client, base, inputs[0])
	if err != nil {
		return fmt.Errorf("%w\n%s", err, c.out.String())
	}
	r.ColdMS = append(r.ColdMS, ms(time.Since(t0)))
	if !full {
		return nil
	}
	r.LoadMS = ms(up)
	r.Info["workerd_start_ms"] = ms(up)
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
		r.LatencyMS = append(r.LatencyMS, ms(time.Since(t)))
		if i < len(inputs) {
			r.Raw[k] = out
		}
	}
	if r.PeakRSSKB, err = PeakRSSKB(strconv.Itoa(c.cmd.Process.Pid)); err != nil {
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

func freePort() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	_, port, err := net.SplitHostPort(l.Addr().String())
	if err != nil {
		return "", errors.New("crossruntime: no free port")
	}
	return port, nil
}

// Command crossbench measures every hiwl runtime against onnxruntime on the
// same ONNX file in one run and writes docs/benchmarks.md and
// out/bench/results.json (see package crossruntime):
//
//	make bench-crossruntime
//	go run ./bench/crossruntime/cmd/crossbench [-images 16] [-runs 32] ...
//
// It needs the root node_modules (npm install), Debian's chromium, and the
// wasm module and edge bundle built from the current model (make
// wasm-build edge-build). A runtime that fails is reported in both files
// and makes the command exit with status 1 after writing them.
//
// `crossbench native -manifest M -out R -runtime engine|gorgonia` is the
// child process in which a native runtime is measured.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	cr "github.com/hiwl/hiwl/bench/crossruntime"
	"github.com/hiwl/hiwl/bench/harness"
	"github.com/hiwl/hiwl/model"
	"github.com/hiwl/hiwl/model/engine/gemm"
	"github.com/hiwl/hiwl/trainer/atomicfile"
)

func main() {
	log.SetFlags(0)
	log.SetPrefix("crossbench: ")
	if len(os.Args) > 1 && os.Args[1] == "native" {
		native(os.Args[2:])
		return
	}
	var o options
	flag.StringVar(&o.doc, "doc", "docs/benchmarks.md", "Markdown report")
	flag.StringVar(&o.json, "json", "out/bench/results.json", "JSON results")
	flag.StringVar(&o.profile, "profile", "out/bench/native-cpu.pprof", "CPU profile of the native path")
	flag.IntVar(&o.perClass, "images", 16, "real images per class (spirals, others)")
	flag.IntVar(&o.runs, "runs", 32, "timed inferences per runtime")
	flag.IntVar(&o.warmup, "warmup", 20, "untimed inferences before them, at least")
	flag.DurationVar(&o.warmupFor, "warmup-for", 8*time.Second, "and at least this long (wasm engines optimise hot code late)")
	flag.IntVar(&o.cold, "cold", 3, "cold starts per runtime")
	flag.IntVar(&o.rounds, "rounds", 3, "rounds over the native, Node and Chromium rows, each reference then ours, samples pooled")
	flag.DurationVar(&o.limit, "limit", 9*time.Minute, "time limit for the whole run")
	flag.DurationVar(&o.step, "step-limit", 150*time.Second, "time limit for one runtime")
	flag.Parse()
	if err := run(o); err != nil {
		log.Fatal(err)
	}
}

type options struct {
	doc, json, profile     string
	perClass, runs, warmup int
	cold, rounds           int
	limit, step, warmupFor time.Duration
}

func run(o options) error {
	start := time.Now()
	// Ctrl-C ends the run through ctx, so every child is stopped (they
	// run in process groups of their own and do not see the terminal's
	// signal).
	sig, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeout(sig, o.limit)
	defer cancel()
	root, err := cr.RepoRoot()
	if err != nil {
		return err
	}
	if err := os.Chdir(root); err != nil {
		return err
	}
	res := &cr.Results{
		Date:     start.UTC().Format("2006-01-02 15:04 UTC"),
		Command:  "make bench-crossruntime",
		Protocol: cr.Protocol{Images: 2 * o.perClass, Warmup: o.warmup, WarmupMS: o.warmupFor.Milliseconds(), Runs: o.runs, ColdStarts: o.cold, Rounds: max(1, o.rounds)},
	}
	res.Machine = machine()
	fail := func(what string, err error) {
		msg := fmt.Sprintf("%s: %v", what, err)
		log.Print(msg)
		res.Errors = append(res.Errors, msg)
	}

	onnx := model.DefaultONNX()
	clf, err := model.Default()
	if err != nil {
		return err
	}
	gor, err := cr.NewGorgonia(onnx)
	if err != nil {
		return err
	}
	res.Model = cr.ModelInfo{Version: clf.Version(), InputSize: clf.InputSize(), Bytes: len(onnx), FLOPs: gor.FLOPs()}

	images, err := cr.RealImages(root, o.perClass)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "hiwl-crossbench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	w, err := cr.Prepare(dir, root, onnx, images)
	if err != nil {
		return err
	}
	m := w.Manifest
	m.Warmup, m.WarmupMS, m.Runs, m.ColdStarts = o.warmup, o.warmupFor.Milliseconds(), o.runs, o.cold
	m.TimeoutMS = o.step.Milliseconds()

	// Each of ours right after its reference, so both see similar load.
	rows := map[string]*cr.Measurement{}
	// keep logs a row's measurement and adds it to the row: a later
	// round's samples join the earlier ones (Measurement.Merge).
	keep := func(name string, r *cr.Measurement) {
		logRow(name, r)
		if prev := rows[name]; prev != nil {
			prev.Merge(r)
			return
		}
		rows[name] = r
	}
	measure := func(name string, f func(context.Context) (*cr.Measurement, error)) {
		log.Printf("measuring %s", name)
		defer logTime(time.Now())
		sctx, scancel := context.WithTimeout(ctx, o.step+20*time.Second)
		defer scancel()
		r, err := f(sctx)
		if err != nil {
			fail(name, err)
			return
		}
		keep(name, r)
	}
	// Native code needs no time to warm up; wasm in V8 does.
	aot := m
	aot.WarmupMS = 0
	nodeScript := func(m cr.Manifest, script string, args ...string) func(context.Context) (*cr.Measurement, error) {
		return func(ctx context.Context) (*cr.Measurement, error) {
			return cr.RunNodeRuntime(ctx, w, m, script, args...)
		}
	}
	chromium := func() {
		log.Printf("measuring %s, %s and %s", cr.RowORTWebChromium, cr.RowWasmChromium, cr.RowWasmChromiumTensor)
		defer logTime(time.Now())
		sctx, scancel := context.WithTimeout(ctx, 3*o.step+20*time.Second)
		defer scancel()
		cm := m
		cm.TimeoutMS = 3 * o.step.Milliseconds()
		r, err := cr.RunChromium(sctx, w, cm, "ort-web", "hiwl-wasm", "hiwl-wasm-tensor")
		if err != nil {
			fail("Chromium", err)
			return
		}
		for _, kr := range [][2]string{{"ort-web", cr.RowORTWebChromium}, {"hiwl-wasm", cr.RowWasmChromium}, {"hiwl-wasm-tensor", cr.RowWasmChromiumTensor}} {
			if got := r[kr[0]]; got != nil {
				keep(kr[1], got)
			}
		}
		if ort := r["ort-web"]; ort != nil {
			if b, ok := ort.Info["browser"].(string); ok {
				res.Machine.Chromium = b
			}
		}
	}
	// The host swings between fast and slow spells of a few seconds: one
	// window per runtime let a reference and ours land in different
	// spells (ratios of 0.6x to 1.8x between runs of the same builds). So
	// the native, Node and Chromium rows are measured in rounds, each a
	// reference then ours, and each row's samples pooled
	// (Measurement.Merge).
	for round := range max(1, o.rounds) {
		if o.rounds > 1 {
			log.Printf("round %d of %d", round+1, o.rounds)
		}
		measure(cr.RowORTNode, nodeScript(aot, "ort_node.mjs", "--backend", "node"))
		measure(cr.RowNative, nativeChild(w, aot, cr.NativeONNXGo))
		if round == 0 { // a comparison no bar depends on, and 50 ms an inference
			measure(cr.RowGorgonia, nativeChild(w, aot, cr.NativeGorgonia))
		}
		measure(cr.RowORTWebNode, nodeScript(m, "ort_node.mjs", "--backend", "web"))
		measure(cr.RowWasmNodeTensor, nodeScript(m, "hiwl_node.mjs", "--tensor"))
		measure(cr.RowWasmNode, nodeScript(m, "hiwl_node.mjs"))
		chromium()
	}
	measure(cr.RowEdge, func(ctx context.Context) (*cr.Measurement, error) { return cr.RunEdge(ctx, m) })

	// The reference's answers are what every other runtime is held to.
	var refOut []cr.Output
	if r := rows[cr.RowORTNode]; r != nil {
		if refOut, err = r.Outputs(); err != nil {
			fail(cr.RowORTNode, err)
		}
		if v, ok := r.Info["ort_version"].(string); ok {
			res.Machine.ORT = v
		}
	}
	specs := []struct {
		name, input, ref, mem, note string
		ours                        bool
	}{
		{cr.RowORTNode, "tensor", "", "Node process", "onnxruntime-node's CPU library (bundled with the npm package), one thread.", false},
		{cr.RowNative, "image bytes", cr.RowORTNode, "Go process", "`model.Classifier.Classify` on the file bytes, in a Go process of its own; its latency ratio includes preprocessing that the reference does not do.", true},
		{cr.RowNativeInference, "tensor", cr.RowORTNode, "Go process", "`ClassifyTensor` back to back on the same tensors as the reference: the like-for-like comparison of the inference engines (same process as the row above, after its series).", true},
		{cr.RowGorgonia, "tensor", cr.RowORTNode, "Go process", "the trainer's own evaluation graph (hiwlnet, eval mode) with the weights read back from the ONNX file.", true},
		{cr.RowORTWebNode, "tensor", "", "Node process", "onnxruntime-web's wasm backend (SIMD build) in Node, one thread.", false},
		{cr.RowWasmNode, "image bytes", cr.RowORTWebNode, "Node process", "wasm/static/hiwl.wasm started with Go's wasm_exec.js, calling `globalThis.hiwl.classify` (answer includes the attention maps of all five classes); its latency ratio includes decoding and preprocessing that the reference does not do.", true},
		{cr.RowWasmNodeTensor, "tensor", cr.RowORTWebNode, "Node process", "`globalThis.hiwl.classifyTensor` on the same tensors as the reference, no attention maps: the like-for-like comparison of the inference engines in wasm.", true},
		{cr.RowORTWebChromium, "tensor", "", "Chromium renderer", "onnxruntime-web, wasm backend, one thread, on the page's main thread.", false},
		{cr.RowWasmChromium, "image bytes", cr.RowORTWebChromium, "Chromium renderer", "hiwl.wasm instantiated on the page's main thread (instantiateStreaming), calling `hiwl.classify`.", true},
		{cr.RowWasmChromiumTensor, "tensor", cr.RowORTWebChromium, "Chromium renderer", "the same, calling `hiwl.classifyTensor` on the reference's tensors: inference only.", true},
		{cr.RowEdge, "image bytes", cr.RowORTWebNode, "workerd process", "POST /classify round trips on loopback to workerd serving edge/build; one Go instance per isolate serves every request (edge/glue), so the latency is the HTTP round trip, decoding, preprocessing and inference. Compared with onnxruntime-web in Node (the same V8 wasm engine, one thread). Cold start: starting workerd to the first answer.", true},
	}
	for _, s := range specs {
		row := cr.RuntimeResult{Name: s.name, Ours: s.ours, Input: s.input, Reference: s.ref, Note: s.note, MaxDiff: -1}
		src := rows[s.name]
		if s.name == cr.RowNativeInference {
			src = inferenceOnly(rows[cr.RowNative])
		}
		if src == nil {
			row.Error = "not measured (see errors)"
			res.Runtimes = append(res.Runtimes, row)
			continue
		}
		row.Fill(src, s.mem)
		if refOut != nil && s.name != cr.RowNativeInference {
			out, err := src.Outputs()
			if err != nil {
				fail(s.name, err)
			} else if len(out) == len(refOut) {
				row.MaxDiff = 0
				for i := range out {
					row.MaxDiff = max(row.MaxDiff, cr.MaxDiff(out[i], refOut[i]))
				}
				if row.MaxDiff > cr.Tolerance {
					fail(s.name, fmt.Errorf("differs from onnxruntime-node by %.3g (tolerance %g)", row.MaxDiff, cr.Tolerance))
				}
			}
		}
		for _, v := range src.ModelVersions() {
			if v != "" && v != clf.Version() {
				fail(s.name, fmt.Errorf("answers with model %s, the current model is %s: rebuild it (make wasm-build edge-build)", v, clf.Version()))
			}
		}
		res.Runtimes = append(res.Runtimes, row)
	}
	res.SetRatios()
	addNotes(res, rows)

	res.Sizes = sizes(root, onnx, fail)
	if ctx.Err() == nil {
		log.Print("measuring training throughput")
		t0 := time.Now()
		if t, err := training(ctx); err != nil {
			fail("training throughput", err)
		} else {
			res.Training = t
		}
		logTime(t0)
	}
	log.Print("measuring the plain Go matrix multiply")
	flops, size := cr.MatMulPeak(3 * time.Second)
	res.Floor = &cr.Floor{FLOPsPerImage: res.Model.FLOPs, MatMulGFLOPS: flops / 1e9, MatMulSize: size,
		FloorMS: float64(res.Model.FLOPs) / flops * 1e3}
	log.Print("measuring the engine's GEMM, native and as wasm in Node")
	g := &cr.GEMM{Shape: "48×216 · 216×1024", SIMD: gemm.SIMD(), Kernel: gemm.Chosen().Name, ProbeNative: cr.ProbeNativeGFLOPS, ProbeWasm: cr.ProbeWasmGFLOPS,
		NativeGFLOPS: cr.GEMMPeak(2*time.Second, false), NativeScalar: cr.GEMMPeak(time.Second, true), ByKernel: cr.GEMMKernels(time.Second)}
	// Short and bounded on their own, so they run even when the slow rows
	// used up the overall limit on a loaded machine.
	gctx, gcancel := context.WithTimeout(sig, 3*time.Minute)
	defer gcancel()
	if ws, wg, wk, cmd, err := cr.WasmGEMM(gctx); err != nil {
		fail("wasm GEMM", err)
	} else {
		g.WasmGFLOPS, g.WasmScalar, g.WasmKernel, g.WasmCommand = ws, wg, wk, cmd
	}
	for _, r := range res.Runtimes {
		if r.Name == cr.RowNativeInference && r.Error == "" && r.MedianMS > 0 {
			// CPU time where measured: wall time on a loaded machine
			// counts other processes' turns.
			t := r.MedianMS
			if r.CPUMedianMS > 0 {
				t = r.CPUMedianMS
			}
			g.EngineGFLOPS = float64(res.Model.FLOPs) / (t / 1e3) / 1e9
			g.EngineFraction = g.EngineGFLOPS / g.NativeGFLOPS
		}
	}
	res.GEMM = g
	log.Print("measuring the engine's memory-bound kernels, native and as wasm in Node")
	if mem, err := cr.MemoryKernels(gctx); err != nil {
		fail("memory-bound kernels", err)
	} else {
		res.Memory = mem
	}
	{
		log.Print("measuring multi-core throughput of the native classifier")
		var imgs [][]byte
		for _, f := range m.Images {
			if b, err := os.ReadFile(f); err == nil {
				imgs = append(imgs, b)
			}
		}
		if t, err := cr.MeasureThroughput(clf, imgs, 3*time.Second); err != nil {
			fail("throughput", err)
		} else {
			res.Throughput = t
		}
	}
	if ctx.Err() == nil {
		log.Print("profiling the native path")
		t0 := time.Now()
		if p, err := profile(ctx, o.profile); err != nil {
			fail("CPU profile", err)
		} else {
			res.Profile = p
		}
		logTime(t0)
	}
	if err := ctx.Err(); err != nil {
		fail("run", fmt.Errorf("stopped before the end (limit %v): %w", o.limit, err))
	}
	res.Machine.LoadEnd = loadAverage()
	res.ElapsedS = time.Since(start).Seconds()

	data, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return err
	}
	for _, f := range []struct {
		path string
		data []byte
	}{{o.json, append(data, '\n')}, {o.doc, []byte(res.Markdown())}} {
		if err := os.MkdirAll(filepath.Dir(f.path), 0o755); err != nil {
			return err
		}
		if err := atomicfile.WriteBytes(f.path, f.data); err != nil {
			return err
		}
		log.Printf("wrote %s", f.path)
	}
	if len(res.Errors) > 0 {
		return fmt.Errorf("%d failures (listed in %s)", len(res.Errors), o.doc)
	}
	return nil
}

// addNotes adds what the rows' numbers say about each other.
func addNotes(res *cr.Results, rows map[string]*cr.Measurement) {
	row := func(name string) *cr.RuntimeResult {
		for i := range res.Runtimes {
			if r := &res.Runtimes[i]; r.Name == name && r.Error == "" {
				return r
			}
		}
		return nil
	}
	if n := rows[cr.RowNative]; n != nil {
		pre, _ := n.Info["preprocess_ms"].([]any)
		var xs []float64
		for _, v := range pre {
			if f, ok := v.(float64); ok {
				xs = append(xs, f)
			}
		}
		if r, inf := row(cr.RowNative), row(cr.RowNativeInference); r != nil && inf != nil && len(xs) > 0 {
			r.Note += fmt.Sprintf(" Median parts: preprocessing %.1f ms (timed right after each run), inference %.1f ms (back to back, the row below; right after a decode it starts with cold caches and takes longer).", harness.Median(xs), inf.MedianMS)
		}
	}
	if e, w := row(cr.RowEdge), row(cr.RowWasmNode); e != nil && w != nil && e.MedianMS > w.MedianMS {
		e.Note += fmt.Sprintf(" hiwl.wasm in Node classifies an image in %.0f ms inside one process, so roughly %.0f ms of the edge's %.0f ms go to HTTP, the JS-Go bridge and workerd.",
			w.MedianMS, e.MedianMS-w.MedianMS, e.MedianMS)
	}
	if w, t := row(cr.RowWasmNode), row(cr.RowWasmNodeTensor); w != nil && t != nil && w.MedianMS > t.MedianMS {
		w.Note += fmt.Sprintf(" Of its %.1f ms, inference is %.1f ms (the row below); the rest is decoding, preprocessing, five attention maps and JSON.", w.MedianMS, t.MedianMS)
	}
}

func logTime(start time.Time) { log.Printf("  (%.0f s)", time.Since(start).Seconds()) }

func logRow(name string, r *cr.Measurement) {
	log.Printf("  %s: median %.2f ms after %d warm-up runs, cold start %.0f ms, peak %d MB",
		name, harness.Median(r.LatencyMS), r.WarmupRuns, harness.Median(r.ColdMS), r.PeakRSSKB>>10)
}

// inferenceOnly is the native measurement's inference series as a row of
// its own (same process, so the same cold start and memory).
func inferenceOnly(m *cr.Measurement) *cr.Measurement {
	if m == nil {
		return nil
	}
	inf, _ := m.Info["inference_ms"].([]any)
	out := &cr.Measurement{ColdMS: m.ColdMS, PeakRSSKB: m.PeakRSSKB}
	for _, v := range inf {
		if f, ok := v.(float64); ok {
			out.LatencyMS = append(out.LatencyMS, f)
		}
	}
	cpu, _ := m.Info["inference_cpu_ms"].([]any)
	for _, v := range cpu {
		if f, ok := v.(float64); ok {
			out.CPUMS = append(out.CPUMS, f)
		}
	}
	if len(out.LatencyMS) == 0 {
		return nil
	}
	return out
}

// nativeChild measures a native runtime in a child process (this binary,
// GOMAXPROCS=1), so that its peak memory is its own.
func nativeChild(w *cr.Work, m cr.Manifest, which string) func(context.Context) (*cr.Measurement, error) {
	return func(ctx context.Context) (*cr.Measurement, error) {
		self, err := os.Executable()
		if err != nil {
			return nil, err
		}
		cold := m
		var r *cr.Measurement
		for i := 0; i < max(1, m.ColdStarts); i++ {
			mm := m
			if i > 0 {
				mm = cold
				mm.Warmup, mm.Runs = 0, 0
			}
			path, err := w.WriteManifest(fmt.Sprintf("native-%s-%d.json", which, i), mm)
			if err != nil {
				return nil, err
			}
			out := path + ".result"
			cmd := exec.CommandContext(ctx, self, "native", "-manifest", path, "-out", out, "-runtime", which)
			cmd.Env = append(os.Environ(), "GOMAXPROCS=1")
			if b, err := cmd.CombinedOutput(); err != nil {
				return nil, fmt.Errorf("native %s: %v\n%s", which, err, b)
			}
			data, err := os.ReadFile(out)
			if err != nil {
				return nil, err
			}
			var one cr.Measurement
			if err := json.Unmarshal(data, &one); err != nil {
				return nil, err
			}
			if r == nil {
				r = &one
			} else {
				r.ColdMS = append(r.ColdMS, one.ColdMS...)
			}
		}
		return r, nil
	}
}

func native(args []string) {
	fs := flag.NewFlagSet("native", flag.ExitOnError)
	mpath := fs.String("manifest", "", "manifest")
	out := fs.String("out", "", "result file")
	which := fs.String("runtime", cr.NativeONNXGo, "engine or gorgonia")
	fs.Parse(args)
	data, err := os.ReadFile(*mpath)
	if err != nil {
		log.Fatal(err)
	}
	var m cr.Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		log.Fatal(err)
	}
	onnx, err := os.ReadFile(m.Model)
	if err != nil {
		log.Fatal(err)
	}
	r, err := cr.MeasureNative(m, onnx, *which)
	if err != nil {
		log.Fatal(err)
	}
	data, err = json.Marshal(r)
	if err != nil {
		log.Fatal(err)
	}
	if err := atomicfile.WriteBytes(*out, data); err != nil {
		log.Fatal(err)
	}
}

func machine() cr.Machine {
	m := cr.Machine{Cores: runtime.NumCPU(), LoadStart: loadAverage(), Go: runtime.Version()}
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPU = strings.TrimSpace(v)
				break
			}
		}
	}
	if out, err := exec.Command("node", "--version").Output(); err == nil {
		m.Node = strings.TrimSpace(string(out))
	}
	// What an idle Node process holds, to read the Node rows' memory against.
	idle := `console.log(require("fs").readFileSync("/proc/self/status","utf8").match(/VmHWM:\s+(\d+)/)[1])`
	if out, err := exec.Command("node", "-e", idle).Output(); err == nil {
		kb, _ := strconv.ParseFloat(strings.TrimSpace(string(out)), 64)
		m.NodeIdleMB = kb / 1024
	}
	return m
}

func loadAverage() [3]float64 {
	var l [3]float64
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return l
	}
	for i, f := range strings.Fields(string(data)) {
		if i < 3 {
			l[i], _ = strconv.ParseFloat(f, 64)
		}
	}
	return l
}

// sizes lists what each runtime ships, raw and gzip -9 (per file, summed).
func sizes(root string, onnx []byte, fail func(string, error)) []cr.Size {
	var out []cr.Size
	add := func(what string, files ...string) {
		s := cr.Size{What: what}
		var names []string
		for _, f := range files {
			data, err := os.ReadFile(filepath.Join(root, f))
			if err != nil {
				fail("size of "+what, err)
				return
			}
			s.RawBytes += int64(len(data))
			s.GzipBytes += harness.GzipBytes(data)
			names = append(names, "`"+f+"`")
		}
		s.Files = strings.Join(names, ", ")
		out = append(out, s)
	}
	add("hiwl wasm module (page)", "wasm/static/hiwl.wasm", "wasm/static/wasm_exec.js")
	edge, _ := filepath.Glob(filepath.Join(root, "edge", "build", "*"))
	var rel []string
	for _, f := range edge {
		r, _ := filepath.Rel(root, f)
		rel = append(rel, r)
	}
	if len(rel) == 0 {
		fail("size of the edge bundle", errors.New("edge/build is empty (make edge-build)"))
	} else {
		add("hiwl edge worker bundle", rel...)
	}
	out = append(out, cr.Size{What: "the model (embedded in each of the above)", Files: "`model/default.onnx`",
		RawBytes: int64(len(onnx)), GzipBytes: harness.GzipBytes(onnx)})
	ortDist := "node_modules/onnxruntime-web/dist/"
	add("onnxruntime-web (what the reference page loads; plus the model)",
		ortDist+"ort.wasm.min.mjs", ortDist+"ort-wasm-simd-threaded.mjs", ortDist+"ort-wasm-simd-threaded.wasm")
	ortNode := "node_modules/onnxruntime-node/bin/napi-v6/linux/x64/"
	add("onnxruntime-node native library", ortNode+"onnxruntime_binding.node", ortNode+"libonnxruntime.so.1")
	return out
}

var imagesPerSecond = regexp.MustCompile(`([0-9.]+) images/s`)

var fastBLASImagesPerSecond = regexp.MustCompile(`BenchmarkTrainStepFastBLAS\S*\s+\d+\s+\d+ ns/op\s+([0-9.]+) images/s`)

// training runs hiwlnet's training-step benchmarks: gonum's BLAS, then the
// engine's (trainer/fastblas), in one run.
func training(ctx context.Context) (*cr.Training, error) {
	args := []string{"test", "-run", "^$", "-bench", "^BenchmarkTrainStep(FastBLAS)?$", "-benchtime", "4x", "-count", "1", "./trainer/hiwlnet"}
	out, err := goCmd(ctx, nil, args...)
	if err != nil {
		return nil, err
	}
	m := imagesPerSecond.FindStringSubmatch(out)
	if m == nil {
		return nil, fmt.Errorf("no images/s in:\n%s", out)
	}
	v, _ := strconv.ParseFloat(m[1], 64)
	t := &cr.Training{ImagesPerSecond: v, Command: "go " + strings.Join(args, " "), Output: strings.TrimSpace(out)}
	if m := fastBLASImagesPerSecond.FindStringSubmatch(out); m != nil {
		t.FastBLASImagesPerSecond, _ = strconv.ParseFloat(m[1], 64)
	}
	return t, nil
}

// profile takes a CPU profile of BenchmarkClassify and summarises it.
func profile(ctx context.Context, path string) (*cr.Profile, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "hiwl-profile-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, "crossruntime.test")
	tmp := filepath.Join(dir, "cpu.pprof")
	args := []string{"test", "-run", "^$", "-bench", "^BenchmarkClassify$", "-benchtime", "5s", "-count", "1",
		"-cpuprofile", tmp, "-o", bin, "./bench/crossruntime"}
	if _, err := goCmd(ctx, []string{"GOMAXPROCS=1"}, args...); err != nil {
		return nil, err
	}
	top, err := goCmd(ctx, nil, "tool", "pprof", "-top", "-nodecount=100000", "-nodefraction=0", bin, tmp)
	if err != nil {
		return nil, err
	}
	p, err := cr.ParsePprofTop(top, 15)
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(tmp)
	if err != nil {
		return nil, err
	}
	if err := atomicfile.WriteBytes(path, data); err != nil {
		return nil, err
	}
	p.Command = "GOMAXPROCS=1 go test -run '^$' -bench '^BenchmarkClassify$' -benchtime 5s -cpuprofile " + path + " ./bench/crossruntime"
	return p, nil
}

func goCmd(ctx context.Context, env []string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Env = append(os.Environ(), env...)
	var b bytes.Buffer
	cmd.Stdout, cmd.Stderr = &b, &b
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go %s: %v\n%s", strings.Join(args, " "), err, b.String())
	}
	return b.String(), nil
}

package crossruntime

import (
	"fmt"
	"math"
	"strings"

	"github.com/hiwl/hiwl/bench/harness"
)

// Results is one run of the cross-runtime benchmark: what
// out/bench/results.json holds and docs/benchmarks.md shows.
type Results struct {
	Date       string          `json:"date"`
	Command    string          `json:"command"`
	Machine    Machine         `json:"machine"`
	Model      ModelInfo       `json:"model"`
	Protocol   Protocol        `json:"protocol"`
	Runtimes   []RuntimeResult `json:"runtimes"`
	Sizes      []Size          `json:"sizes"`
	Training   *Training       `json:"training,omitempty"`
	Floor      *Floor          `json:"floor,omitempty"`
	GEMM       *GEMM           `json:"gemm,omitempty"`
	Memory     *Memory         `json:"memory_bound,omitempty"`
	Throughput *Throughput     `json:"throughput,omitempty"`
	Profile    *Profile        `json:"profile,omitempty"`
	Errors     []string        `json:"errors,omitempty"`
	ElapsedS   float64         `json:"elapsed_s"`
	Largest    string          `json:"largest_ratio,omitempty"` // the runtime with the largest latency ratio
	LargestX   float64         `json:"largest_ratio_x,omitempty"`
	LargestTo  string          `json:"largest_ratio_reference,omitempty"`
}

// Machine describes where the numbers were taken.
type Machine struct {
	CPU        string     `json:"cpu"`
	Cores      int        `json:"cores"`
	LoadStart  [3]float64 `json:"load_average_start"`
	LoadEnd    [3]float64 `json:"load_average_end"`
	Go         string     `json:"go"`
	Node       string     `json:"node"`
	NodeIdleMB float64    `json:"node_idle_peak_memory_mb"`
	Chromium   string     `json:"chromium,omitempty"`
	ORT        string     `json:"onnxruntime,omitempty"`
}

// ModelInfo describes the measured model file.
type ModelInfo struct {
	Version   string `json:"version"`
	InputSize int    `json:"input_size"`
	Bytes     int    `json:"bytes"`
	FLOPs     int64  `json:"flops_per_image"` // both networks, multiply-adds x2
}

// Protocol is how each runtime was measured.
type Protocol struct {
	Images     int   `json:"images"`
	Warmup     int   `json:"warmup"`
	WarmupMS   int64 `json:"warmup_ms"`
	Runs       int   `json:"runs"`
	ColdStarts int   `json:"cold_starts"`
	Rounds     int   `json:"rounds"` // of the native, Node and Chromium rows, samples pooled
}

// RuntimeResult is one row of the table.
type RuntimeResult struct {
	Name         string    `json:"name"`
	Ours         bool      `json:"ours"`  // false: an onnxruntime reference
	Input        string    `json:"input"` // "image bytes" or "preprocessed tensor"
	Reference    string    `json:"reference,omitempty"`
	LatencyMS    []float64 `json:"latency_ms,omitempty"`
	MedianMS     float64   `json:"latency_median_ms"`
	P90MS        float64   `json:"latency_p90_ms"`
	MinMS        float64   `json:"latency_min_ms"`
	CPUMedianMS  float64   `json:"cpu_median_ms,omitempty"` // CPU time per inference, where measured
	RatioCPU     float64   `json:"ratio_cpu,omitempty"`
	ColdMS       []float64 `json:"cold_start_ms,omitempty"`
	ColdMedianMS float64   `json:"cold_start_median_ms"`
	PeakMB       float64   `json:"peak_memory_mb"`
	MemorySource string    `json:"memory_source"`
	RatioLatency float64   `json:"ratio_latency,omitempty"` // median latency / the reference's
	RatioCold    float64   `json:"ratio_cold_start,omitempty"`
	RatioMemory  float64   `json:"ratio_memory,omitempty"`
	MaxDiff      float64   `json:"max_abs_diff_vs_onnxruntime_node"` // over every image and probability; -1 when not compared
	Note         string    `json:"note,omitempty"`
	Error        string    `json:"error,omitempty"`
}

// Size is the size of a shipped artefact.
type Size struct {
	What      string `json:"what"`
	Files     string `json:"files"`
	RawBytes  int64  `json:"raw_bytes"`
	GzipBytes int64  `json:"gzip9_bytes"`
}

// Training is the trainer's throughput.
type Training struct {
	ImagesPerSecond         float64 `json:"images_per_second"`           // gonum's BLAS
	FastBLASImagesPerSecond float64 `json:"fast_blas_images_per_second"` // the engine's GEMM (-blas fast)
	Command                 string  `json:"command"`
	Output                  string  `json:"output"`
}

// Floor is the FLOP floor of the native path.
type Floor struct {
	FLOPsPerImage int64   `json:"flops_per_image"`
	MatMulGFLOPS  float64 `json:"plain_go_matmul_gflops"` // one core's peak
	MatMulSize    int     `json:"plain_go_matmul_size"`
	FloorMS       float64 `json:"floor_ms"`
}

// Fill computes a row's summary numbers from a measurement.
func (r *RuntimeResult) Fill(m *Measurement, memorySource string) {
	r.LatencyMS, r.ColdMS = m.LatencyMS, m.ColdMS
	r.MedianMS, r.P90MS, r.MinMS = harness.Median(m.LatencyMS), harness.Quantile(m.LatencyMS, 0.9), harness.Quantile(m.LatencyMS, 0)
	if len(m.CPUMS) > 0 {
		r.CPUMedianMS = harness.Median(m.CPUMS)
	}
	r.ColdMedianMS = harness.Median(m.ColdMS)
	r.PeakMB = float64(m.PeakRSSKB) / 1024
	r.MemorySource = memorySource
}

// SetRatios fills the ratios of every row that names a reference, and the
// largest latency ratio of the run.
func (res *Results) SetRatios() {
	by := map[string]*RuntimeResult{}
	for i := range res.Runtimes {
		by[res.Runtimes[i].Name] = &res.Runtimes[i]
	}
	div := func(a, b float64) float64 {
		if b <= 0 || math.IsNaN(a) || math.IsNaN(b) || a <= 0 {
			return 0
		}
		return a / b
	}
	for i := range res.Runtimes {
		r := &res.Runtimes[i]
		ref := by[r.Reference]
		if ref == nil || r.Error != "" || ref.Error != "" {
			continue
		}
		r.RatioLatency = div(r.MedianMS, ref.MedianMS)
		r.RatioCold = div(r.ColdMedianMS, ref.ColdMedianMS)
		r.RatioMemory = div(r.PeakMB, ref.PeakMB)
		r.RatioCPU = div(r.CPUMedianMS, ref.CPUMedianMS)
		if r.RatioLatency > res.LargestX {
			res.Largest, res.LargestX, res.LargestTo = r.Name, r.RatioLatency, r.Reference
		}
	}
}

// Markdown renders docs/benchmarks.md.
func (res *Results) Markdown() string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p("# Benchmarks: every hiwl runtime against onnxruntime\n\n")
	p("Generated by `%s` on %s (%.0f s). Do not edit: rerun it.\n", res.Command, res.Date, res.ElapsedS)
	p("The machine-readable numbers, with every sample, are in `out/bench/results.json`.\n\n")
	m := res.Machine
	p("**Machine:** %s, %d cores; load average %.2f %.2f %.2f at the start, %.2f %.2f %.2f at the end. ",
		m.CPU, m.Cores, m.LoadStart[0], m.LoadStart[1], m.LoadStart[2], m.LoadEnd[0], m.LoadEnd[1], m.LoadEnd[2])
	p("%s, Node %s", m.Go, m.Node)
	if m.Chromium != "" {
		p(", %s", m.Chromium)
	}
	if m.ORT != "" {
		p(", onnxruntime %s", m.ORT)
	}
	if g := res.GEMM; g != nil && g.Kernel != "" {
		p("; GEMM kernel `%s` natively", g.Kernel)
		if g.WasmKernel != "" {
			p(", `%s` in wasm", g.WasmKernel)
		}
	}
	p(".\n\n")
	p("**Model:** `model/default.onnx`, %s, input %dx%d, %s, %.1f MFLOP per image (networks A and B).\n\n",
		res.Model.Version, res.Model.InputSize, res.Model.InputSize, bytesText(int64(res.Model.Bytes)), float64(res.Model.FLOPs)/1e6)
	pr := res.Protocol
	p("**Protocol:** %d real Galaxy Zoo images (validation set, %d spirals and %d others). Per runtime: warm-up "+
		"inferences, untimed (at least %d; for the runtimes on V8's wasm engine, which optimises hot code only after a while, "+
		"also at least %.1f s), then %d "+
		"timed ones, one at a time, cycling through the images. Every runtime runs on one thread (native Go with "+
		"GOMAXPROCS=1, onnxruntime with one intra-op and one inter-op thread; wasm is single-threaded). Cold start: "+
		"module + model load to the first result, timed inside the runtime's host from before the module is touched "+
		"(so a process's own start-up is left out), median of %d fresh starts: a new process each time, in Chromium a "+
		"new browser context with empty caches; for the edge worker, from starting workerd to its first answer. "+
		"hiwl's runtimes take the image file (decode, crop, resize, normalise, inference, hierarchy, JSON answer with "+
		"attention maps where the runtime gives them); onnxruntime takes the float32 tensor that Go's "+
		"`model.Preprocess` made, so its rows are inference only. Latency ratio = median latency / the reference's; "+
		"cold and memory ratios likewise.",
		pr.Images, pr.Images/2, pr.Images-pr.Images/2, pr.Warmup, float64(pr.WarmupMS)/1000, pr.Runs, pr.ColdStarts)
	if pr.Rounds > 1 {
		p(" The native, Node and Chromium rows are measured in %d rounds, each round a reference and then ours, and each row's "+
			"samples pooled (their cold starts too, %d each): the host swings between fast and slow spells of a few seconds, "+
			"which one window per runtime let fall on one side of a ratio only. The edge's row is one run.",
			pr.Rounds, pr.Rounds*pr.ColdStarts)
	}
	p("\n\n")

	p("| runtime | input | latency median | p90 | cold start | peak memory | reference | latency × | cold × | memory × | max \\|Δp\\| vs onnxruntime-node |\n")
	p("|---|---|---:|---:|---:|---:|---|---:|---:|---:|---:|\n")
	for _, r := range res.Runtimes {
		name := r.Name
		if !r.Ours {
			name = "*" + name + "* (reference)"
		}
		if r.Error != "" {
			p("| %s | %s | failed: %s |||||||||\n", name, r.Input, oneLine(r.Error))
			continue
		}
		ref := r.Reference
		if ref == "" {
			ref = "—"
		}
		p("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", name, r.Input,
			msText(r.MedianMS), msText(r.P90MS), msText(r.ColdMedianMS), mbText(r.PeakMB), ref,
			ratioText(r.RatioLatency), ratioText(r.RatioCold), ratioText(r.RatioMemory), diffText(r.MaxDiff))
	}
	p("\n")
	for _, r := range res.Runtimes {
		if r.Note != "" && r.Error == "" {
			p("- **%s:** %s\n", r.Name, r.Note)
		}
	}
	p("- **Peak memory** is the VmHWM (resident high-water mark) of the process that ran the runtime: the whole Node, " +
		"workerd or Go process; for Chromium the largest renderer process of the browser, read while the measured page " +
		"was open.")
	if m.NodeIdleMB > 0 {
		p(" An idle Node process (`node -e`) peaks at %.0f MB on its own.", m.NodeIdleMB)
	}
	p("\n")
	p("- **Noise:** the numbers come from one run on a machine shared with other work (see the load average); " +
		"a runtime's samples can shift by tens of percent between phases of a few seconds. `out/bench/results.json` " +
		"keeps every sample and the minimum of each row for comparing runs.\n")
	var cpuRows []RuntimeResult
	for _, r := range res.Runtimes {
		if r.CPUMedianMS > 0 && r.Error == "" {
			cpuRows = append(cpuRows, r)
		}
	}
	if len(cpuRows) > 0 {
		p("\n**CPU time per inference** (user+system CPU of the measured process during each timed inference, median; " +
			"on a loaded machine wall time also counts other processes' turns, CPU time much less so; Chromium's renderer " +
			"cannot be read this way):\n\n| runtime | CPU per inference | reference | CPU × |\n|---|---:|---|---:|\n")
		for _, r := range cpuRows {
			ref := r.Reference
			if ref == "" {
				ref = "—"
			}
			p("| %s | %s | %s | %s |\n", r.Name, msText(r.CPUMedianMS), ref, ratioText(r.RatioCPU))
		}
	}
	if res.LargestX > 0 {
		p("\n**Largest latency ratio to the reference:** %s at ×%.1f the median latency of %s.\n", res.Largest, res.LargestX, res.LargestTo)
	}

	if len(res.Sizes) > 0 {
		p("\n## Bundle sizes\n\n| artefact | files | raw | gzip -9 |\n|---|---|---:|---:|\n")
		for _, s := range res.Sizes {
			p("| %s | %s | %s | %s |\n", s.What, s.Files, bytesText(s.RawBytes), bytesText(s.GzipBytes))
		}
	}
	if t := res.Training; t != nil {
		p("\n## Training throughput\n\n%.1f images/s: one SGD step of network A, batch 16, default architecture, "+
			"gorgonia on this machine's CPU with gonum's BLAS", t.ImagesPerSecond)
		if t.FastBLASImagesPerSecond > 0 {
			p("; **%.1f images/s** (×%.2f) with the engine's GEMM as gorgonia's Sgemm (`trainer train -blas fast`, trainer/fastblas)",
				t.FastBLASImagesPerSecond, t.FastBLASImagesPerSecond/t.ImagesPerSecond)
		}
		p(" (`%s`).\n", t.Command)
	}
	if f := res.Floor; f != nil {
		p("\n## The physical floor\n\nOne image costs %.1f MFLOP (both networks' convolutions and heads, multiply-adds x2). "+
			"A plain Go matrix multiply (`crossruntime.MatMul`, i-k-j loops, no assembly) peaks at %.2f GFLOP/s on one core "+
			"(best of square sizes up to 256; %d×%d here), so plain Go code cannot classify an image in less than "+
			"**%.1f ms** per core. ", float64(f.FLOPsPerImage)/1e6, f.MatMulGFLOPS, f.MatMulSize, f.MatMulSize, f.FloorMS)
		for _, r := range res.Runtimes {
			if r.Name == RowNativeInference && r.Error == "" {
				p("Native inference (hiwl's engine, SIMD GEMM) takes %.2f ms, ×%.2f the plain-Go floor", r.MedianMS, r.MedianMS/f.FloorMS)
			}
		}
		for _, r := range res.Runtimes {
			if r.Name == RowORTNode && r.Error == "" {
				p("; onnxruntime-node takes %.2f ms, ×%.2f the floor", r.MedianMS, r.MedianMS/f.FloorMS)
			}
		}
		p(".\n")
		if g := res.GEMM; g != nil {
			p("\nThe engine's GEMM (`model/engine/gemm`, packed weights, %s) on the probe's conv-shaped "+
				"%s product, one core: **%.1f GFLOP/s native** (pure-Go kernel of the same shape: %.1f; the probe of issue 10: %.1f) "+
				"and **%.1f GFLOP/s as wasm in Node** (pure-Go kernel: %.2f; probe: %.1f) — `%s`. ",
				kernelPhrase(g), g.Shape,
				g.NativeGFLOPS, g.NativeScalar, g.ProbeNative, g.WasmGFLOPS, g.WasmScalar, g.ProbeWasm, g.WasmCommand)
			if len(g.ByKernel) > 1 {
				p("Every kernel this processor runs, on the same product: ")
				for i, k := range g.ByKernel {
					if i > 0 {
						p(", ")
					}
					p("`%s` (%d×%d) %.1f GFLOP/s", k.Kernel, k.MR, k.NR, k.GFLOPS)
				}
				p(" (`HIWL_GEMM_KERNEL=name` runs another than the one chosen). ")
			}
			if g.EngineGFLOPS > 0 {
				p("A whole native inference runs at %.1f GFLOP/s (its median CPU time per inference), %.0f%% of the GEMM's rate: "+
					"the rest is im2col, pooling, the heads and small layers whose shapes fill the tiles badly.", g.EngineGFLOPS, 100*g.EngineFraction)
			}
			p("\n")
		}
	}
	if m := res.Memory; m != nil && res.Floor != nil {
		p("\nThe memory-bound kernels, one core, best of many runs (`%s`, and as wasm in Node `%s`), in GB/s of the bytes "+
			"each must read and write at the least (input and output once): the yardsticks are copy's %.1f GB/s on 256 KiB, "+
			"which stays in cache, and %.1f GB/s on 64 MiB, far beyond it (in wasm: %.1f and %.1f). Every shape here fits in "+
			"the caches, so the in-cache copy is the bound.\n\n", m.Command, m.WasmCommand,
			m.Native.CopyCacheGBps, m.Native.CopyDRAMGBps, m.Wasm.CopyCacheGBps, m.Wasm.CopyDRAMGBps)
		p("| kernel | shape | native GB/s | of in-cache copy | native GFLOP/s | wasm GB/s | wasm GFLOP/s | native / wasm |\n|---|---|---:|---:|---:|---:|---:|---:|\n")
		for i, k := range m.Native.Kernels {
			var w MemoryKernel
			if i < len(m.Wasm.Kernels) && m.Wasm.Kernels[i].Kernel == k.Kernel && m.Wasm.Kernels[i].Shape == k.Shape {
				w = m.Wasm.Kernels[i]
			}
			flops := func(x float64) string {
				if x == 0 {
					return "—"
				}
				return fmt.Sprintf("%.1f", x)
			}
			ratio := "—"
			if w.GBps > 0 {
				ratio = fmt.Sprintf("×%.1f", k.GBps/w.GBps)
			}
			p("| %s | %s | %.1f | %.0f%% | %s | %.2f | %s | %s |\n", k.Kernel, k.Shape, k.GBps, 100*k.GBps/m.Native.CopyCacheGBps,
				flops(k.GFLOPS), w.GBps, flops(w.GFLOPS), ratio)
		}
	}
	if t := res.Throughput; t != nil {
		p("\n## Multi-core throughput\n\nThe native classifier on image bytes through `%s` (decode, preprocess, inference; "+
			"one pooled run state per goroutine, no lock around a run), %d images cycled: **%.0f images/s on one worker, "+
			"%.0f images/s on %d workers** (×%.2f). The machine is shared, so the second figure is what the other load left.\n",
			t.BatchEntryCall, t.Images, t.OneWorker, t.AllWorkers, t.Cores, t.Speedup)
	}
	if pf := res.Profile; pf != nil {
		p("\n## Where the native time goes\n\nCPU profile of `BenchmarkClassify` (image bytes to Prediction through `model.Classifier.Classify`, "+
			"GOMAXPROCS=1): `%s`, summarised with `go tool pprof -top`. %s.\n\n", pf.Command, pf.Total)
		p("| where | share of CPU (flat) |\n|---|---:|\n")
		for _, s := range pf.Shares {
			p("| %s | %.1f%% |\n", s.Group, s.Pct)
		}
		p("\nTop functions by flat time:\n\n| function | flat | cum |\n|---|---:|---:|\n")
		for _, l := range pf.Top {
			p("| `%s` | %.1f%% | %.1f%% |\n", l.Function, l.FlatPct, l.CumPct)
		}
	}
	if len(res.Errors) > 0 {
		p("\n## Errors in this run\n\n")
		for _, e := range res.Errors {
			p("- %s\n", oneLine(e))
		}
	}
	return b.String()
}

// The rows of the table, by name.
const (
	RowORTNode            = "onnxruntime-node (native)"
	RowORTWebNode         = "onnxruntime-web in Node"
	RowORTWebChromium     = "onnxruntime-web in Chromium"
	RowNative             = "hiwl native Go (engine)"
	RowNativeInference    = "hiwl native Go (engine), inference only"
	RowGorgonia           = "gorgonia eval graph (trainer)"
	RowWasmNode           = "hiwl.wasm in Node"
	RowWasmNodeTensor     = "hiwl.wasm in Node, inference only"
	RowWasmChromium       = "hiwl.wasm in Chromium"
	RowWasmChromiumTensor = "hiwl.wasm in Chromium, inference only"
	RowEdge               = "hiwl edge worker in workerd"
)

func msText(v float64) string {
	switch {
	case math.IsNaN(v) || v <= 0:
		return "—"
	case v < 10:
		return fmt.Sprintf("%.2f ms", v)
	case v < 10000:
		return fmt.Sprintf("%.0f ms", v)
	}
	return fmt.Sprintf("%.1f s", v/1000)
}

func mbText(v float64) string {
	if v <= 0 {
		return "—"
	}
	return fmt.Sprintf("%.0f MB", v)
}

func ratioText(v float64) string {
	if v <= 0 {
		return "—"
	}
	return fmt.Sprintf("%.2f", v)
}

func diffText(v float64) string {
	if v < 0 {
		return "—"
	}
	return fmt.Sprintf("%.1e", v)
}

func bytesText(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.2f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

func oneLine(s string) string {
	s = strings.ReplaceAll(s, "\n", " ")
	s = strings.ReplaceAll(s, "|", "\\|")
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}

// kernelPhrase names the GEMM kernels that ran, natively and in wasm.
func kernelPhrase(g *GEMM) string {
	if !g.SIMD {
		return "no SIMD micro-kernel natively (scalar fallback)"
	}
	native := "the `" + g.Kernel + "` micro-kernel natively, chosen at start-up for this processor"
	if g.Kernel == "" {
		native = "a SIMD micro-kernel natively"
	}
	if g.WasmKernel != "" {
		return native + ", and `" + g.WasmKernel + "` in wasm"
	}
	return native
}

package crossruntime

import (
	"math"
	"strings"
	"testing"
)

func TestResultsRatiosAndMarkdown(t *testing.T) {
	res := &Results{
		Command:  "make bench-crossruntime",
		Protocol: Protocol{Images: 4, Warmup: 1, Runs: 4, ColdStarts: 2},
	}
	ref := RuntimeResult{Name: RowORTNode, MaxDiff: 0}
	ref.Fill(&Measurement{LatencyMS: []float64{1, 2, 3, 4}, ColdMS: []float64{100, 200}, PeakRSSKB: 100 << 10}, "Node process")
	ours := RuntimeResult{Name: RowNative, Ours: true, Reference: RowORTNode, MaxDiff: 3e-8}
	ours.Fill(&Measurement{LatencyMS: []float64{10, 20, 30, 50}, ColdMS: []float64{30, 60}, PeakRSSKB: 50 << 10}, "Go process")
	broken := RuntimeResult{Name: RowEdge, Ours: true, Reference: RowORTNode, Error: "workerd did not start"}
	res.Runtimes = []RuntimeResult{ref, ours, broken}
	res.SetRatios()

	got := res.Runtimes[1]
	if got.MedianMS != 25 || math.Abs(got.P90MS-44) > 1e-9 {
		t.Fatalf("median %v p90 %v, want 25 and 44", got.MedianMS, got.P90MS)
	}
	if math.Abs(got.RatioLatency-10) > 1e-9 || math.Abs(got.RatioCold-0.3) > 1e-9 || math.Abs(got.RatioMemory-0.5) > 1e-9 {
		t.Fatalf("ratios %v %v %v, want 10, 0.3, 0.5", got.RatioLatency, got.RatioCold, got.RatioMemory)
	}
	if res.Runtimes[2].RatioLatency != 0 || res.Largest != RowNative || res.LargestX != got.RatioLatency {
		t.Fatalf("largest ratio %q ×%v; broken row ratio %v", res.Largest, res.LargestX, res.Runtimes[2].RatioLatency)
	}
	md := res.Markdown()
	for _, want := range []string{
		"| hiwl native Go (engine) |  | 25 ms | 44 ms | 45 ms | 50 MB | onnxruntime-node (native) | 10.00 | 0.30 | 0.50 | 3.0e-08 |",
		"failed: workerd did not start",
		"**Largest latency ratio to the reference:** hiwl native Go (engine) at ×10.0",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("Markdown lacks %q:\n%s", want, md)
		}
	}
}

// TestMarkdownNamesKernels: the floor section says which GEMM kernel ran
// natively and in wasm, and gives every kernel's rate.
func TestMarkdownNamesKernels(t *testing.T) {
	res := &Results{Floor: &Floor{FLOPsPerImage: 1e8, MatMulGFLOPS: 3, MatMulSize: 96, FloorMS: 33},
		GEMM: &GEMM{Shape: "48×216 · 216×1024", SIMD: true, Kernel: "avx512-8x32", WasmKernel: "simd128-4x8", NativeGFLOPS: 100,
			ByKernel: []KernelGFLOPS{{"avx512-8x32", 8, 32, 100}, {"avx2-4x16", 4, 16, 50.5}}}}
	md := res.Markdown()
	for _, want := range []string{"; GEMM kernel `avx512-8x32` natively, `simd128-4x8` in wasm.", "the `avx512-8x32` micro-kernel natively, chosen at start-up for this processor, and `simd128-4x8` in wasm",
		"`avx512-8x32` (8×32) 100.0 GFLOP/s, `avx2-4x16` (4×16) 50.5 GFLOP/s"} {
		if !strings.Contains(md, want) {
			t.Errorf("Markdown lacks %q:\n%s", want, md)
		}
	}
}

// TestMarkdownMemoryKernels: each memory-bound kernel's row pairs its
// native and wasm figures and its share of the in-cache copy.
func TestMarkdownMemoryKernels(t *testing.T) {
	res := &Results{Floor: &Floor{FLOPsPerImage: 1e8, MatMulGFLOPS: 3, MatMulSize: 96, FloorMS: 33},
		Memory: &Memory{Command: "go run ./m", WasmCommand: "wasm ./m",
			Native: MemoryProbe{CopyCacheGBps: 80, CopyDRAMGBps: 12, Kernels: []MemoryKernel{{"depthwise+SiLU", "96x40x40 k3/2", 20, 18}, {"SiLU", "96x40x40", 24, 0}}},
			Wasm:   MemoryProbe{CopyCacheGBps: 40, CopyDRAMGBps: 10, Kernels: []MemoryKernel{{"depthwise+SiLU", "96x40x40 k3/2", 2, 1.8}, {"SiLU", "96x40x40", 1.5, 0}}}}}
	md := res.Markdown()
	for _, want := range []string{"copy's 80.0 GB/s on 256 KiB", "| depthwise+SiLU | 96x40x40 k3/2 | 20.0 | 25% | 18.0 | 2.00 | 1.8 | ×10.0 |",
		"| SiLU | 96x40x40 | 24.0 | 30% | — | 1.50 | — | ×16.0 |"} {
		if !strings.Contains(md, want) {
			t.Errorf("Markdown lacks %q:\n%s", want, md)
		}
	}
}

const pprofSample = `File: crossruntime.test
Type: cpu
Duration: 2.5s, Total samples = 2s (80.00%)
Showing nodes accounting for 2s, 100% of 2s total
      flat  flat%   sum%        cum   cum%
     0.80s 40.00% 40.00%      0.80s 40.00%  gonum.org/v1/gonum/internal/asm/f32.DotUnitary
     0.40s 20.00% 60.00%      0.50s 25.00%  gorgonia.org/gorgonia.im2colOp.f32s
     0.30s 15.00% 75.00%      0.30s 15.00%  runtime.memclrNoHeapPointers
     0.20s 10.00% 85.00%      0.20s 10.00%  image/jpeg.idctCols
     0.10s  5.00% 90.00%      0.10s  5.00%  runtime.mallocgc
     0.10s  5.00% 95.00%      0.10s  5.00%  gorgonia.org/tensor.(*FlatIterator).Next (inline)
     0.10s  5.00%   100%      1.90s 95.00%  main.main
         0     0%   100%      1.00s 50.00%  github.com/hiwl/hiwl/model.(*Classifier).Classify
`

func TestParsePprofTop(t *testing.T) {
	p, err := ParsePprofTop(pprofSample, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Top) != 3 || p.Top[1].Function != "gorgonia.org/gorgonia.im2colOp.f32s" || p.Top[1].CumPct != 25 {
		t.Fatalf("top %+v", p.Top)
	}
	if !strings.HasPrefix(p.Total, "Duration: 2.5s") {
		t.Fatalf("total %q", p.Total)
	}
	want := map[string]float64{
		"matrix multiply (gonum BLAS kernels)":                               40,
		"im2col (convolution input unfolding)":                               20,
		"memory copy and clear (runtime.memmove, memclr)":                    15,
		"JPEG decode, crop/resize, normalise":                                10,
		"Go runtime: allocation, GC, scheduling":                             5,
		"other gorgonia/tensor ops (batch norm, ReLU, pooling, add, copies)": 5,
		"other": 5,
	}
	sum := 0.0
	for _, s := range p.Shares {
		if w, ok := want[s.Group]; !ok || math.Abs(w-s.Pct) > 1e-9 {
			t.Errorf("share %q = %v, want %v", s.Group, s.Pct, w)
		}
		sum += s.Pct
	}
	if len(p.Shares) != len(want) || math.Abs(sum-100) > 1e-9 {
		t.Fatalf("shares %+v sum to %v", p.Shares, sum)
	}
	if _, err := ParsePprofTop("no table here", 3); err == nil {
		t.Fatal("text without a table parsed")
	}
}

// TestMeasurementMerge: a later round's samples join the first's, series
// in Info included, and the first round's outputs stay.
func TestMeasurementMerge(t *testing.T) {
	a := &Measurement{LatencyMS: []float64{1, 2}, CPUMS: []float64{1}, ColdMS: []float64{10}, PeakRSSKB: 5,
		Raw: []*RawOutput{{}}, Info: map[string]any{"inference_ms": []any{0.5}, "note": "a"}}
	b := &Measurement{LatencyMS: []float64{3}, CPUMS: []float64{2}, ColdMS: []float64{20}, PeakRSSKB: 9,
		Info: map[string]any{"inference_ms": []any{0.7, 0.8}, "note": "b"}}
	a.Merge(b)
	if len(a.LatencyMS) != 3 || len(a.CPUMS) != 2 || len(a.ColdMS) != 2 || a.PeakRSSKB != 9 || len(a.Raw) != 1 {
		t.Fatalf("merged: %+v", a)
	}
	if s := a.Info["inference_ms"].([]any); len(s) != 3 || a.Info["note"] != "a" {
		t.Fatalf("Info: %v", a.Info)
	}
}

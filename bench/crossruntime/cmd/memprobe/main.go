// Command memprobe measures the engine's memory-bound kernels on one core
// and prints them as JSON: the direct depthwise convolution (with its ReLU6
// epilogue) on the default model's depthwise layers, and two kernels the
// earlier models ran (2x2 max pooling, SiLU over a feature map), each in GB/s
// of the bytes it must read and write at the least (input and output once)
// and GFLOP/s; beside them, copy's GB/s on a buffer that stays in cache and
// on one far beyond it, the yardsticks. Each figure is the best of many
// runs over the time budget, which filters out other processes' turns on
// a shared machine. It imports nothing of the repository but the engine's
// kernels, so it builds for js/wasm too:
//
//	go run ./bench/crossruntime/cmd/memprobe
//	GOOS=js GOARCH=wasm go run -exec="$(go env GOROOT)/lib/wasm/go_js_wasm_exec" ./bench/crossruntime/cmd/memprobe
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/hiwl/hiwl/model/engine/act"
	"github.com/hiwl/hiwl/model/engine/ops"
)

// Kernel is one kernel on one shape.
type Kernel struct {
	Kernel string  `json:"kernel"`
	Shape  string  `json:"shape"`
	GBps   float64 `json:"gb_per_s"`
	GFLOPS float64 `json:"gflops,omitempty"`
}

// Result is what memprobe prints.
type Result struct {
	CopyCacheGBps float64  `json:"copy_in_cache_gb_per_s"` // 256 KiB copied, read + written
	CopyDRAMGBps  float64  `json:"copy_dram_gb_per_s"`     // 64 MiB copied
	Kernels       []Kernel `json:"kernels"`
}

func main() {
	budget := flag.Duration("time", 300*time.Millisecond, "time per kernel and shape")
	flag.Parse()
	best := func(f func()) float64 { // seconds of the fastest run, of at least five
		f()
		b := 1e9
		for i, end := 0, time.Now().Add(*budget); i < 5 || time.Now().Before(end); i++ {
			t := time.Now()
			f()
			b = min(b, time.Since(t).Seconds())
		}
		return b
	}
	var r Result
	for _, n := range []int{64 << 10, 16 << 20} { // float32s: 256 KiB, 64 MiB
		src, dst := ramp(n), make([]float32, n)
		gbps := 8 * float64(n) / best(func() { copy(dst, src) }) / 1e9
		if n < 1<<20 {
			r.CopyCacheGBps = gbps
		} else {
			r.CopyDRAMGBps = gbps
		}
	}
	// The depthwise layers of the default model's MobileNetV2 backbone at
	// 64 px (channels x side, kernel, stride), as in ops.BenchmarkDepthwise.
	for _, s := range []struct{ c, hw, k, stride int }{{32, 32, 3, 1}, {96, 32, 3, 2}, {144, 16, 3, 1}, {144, 16, 3, 2}, {192, 8, 3, 1}} {
		o := (s.hw+2*(s.k/2)-s.k)/s.stride + 1
		g := ops.Conv2D{C: 1, H: s.hw, W: s.hw, KH: s.k, KW: s.k, StrideH: s.stride, StrideW: s.stride, DilH: 1, DilW: 1,
			PadT: s.k / 2, PadL: s.k / 2, OH: o, OW: o}
		src, w, bias := ramp(s.c*s.hw*s.hw), ramp(s.c*s.k*s.k), ramp(s.c)
		dst := make([]float32, s.c*o*o)
		p := ops.NewDepthwisePlan(&g, s.c, 1)
		scratch := make([]float32, p.Scratch())
		t := best(func() { p.Run(dst, src, w, bias, nil, act.ReLU6, nil, scratch) })
		r.Kernels = append(r.Kernels, Kernel{Kernel: "depthwise+ReLU6", Shape: fmt.Sprintf("%dx%dx%d k%d/%d", s.c, s.hw, s.hw, s.k, s.stride),
			GBps: 4 * float64(len(src)+len(dst)) / t / 1e9, GFLOPS: 2 * float64(len(dst)*s.k*s.k) / t / 1e9})
	}
	{ // the residual model's first pooling (hiwl-3c76ca070931): 16 planes of 80x80
		const planes, hw = 16, 80
		src, dst := ramp(planes*hw*hw), make([]float32, planes*hw*hw/4)
		g := &ops.Pool{In: []int{hw, hw}, Out: []int{hw / 2, hw / 2}, Kernel: []int{2, 2}, Strides: []int{2, 2},
			Dilations: []int{1, 1}, PadBegin: []int{0, 0}, PadEnd: []int{0, 0}}
		t := best(func() { ops.MaxPool(dst, src, planes, g) })
		r.Kernels = append(r.Kernels, Kernel{Kernel: "maxpool 2x2", Shape: fmt.Sprintf("%dx%dx%d", planes, hw, hw),
			GBps: 4 * float64(len(src)+len(dst)) / t / 1e9})
	}
	{ // SiLU in place over an expanded map of the SiLU MBConv candidates: 96 planes of 40x40
		x := ramp(96 * 40 * 40)
		t := best(func() { act.SiLU.Slice(x) })
		r.Kernels = append(r.Kernels, Kernel{Kernel: "SiLU", Shape: "96x40x40", GBps: 8 * float64(len(x)) / t / 1e9})
	}
	json.NewEncoder(os.Stdout).Encode(r)
}

// ramp is data in [-1, 1), with no pattern a kernel could exploit.
func ramp(n int) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = float32((i*7919)%2003)/1001.5 - 1
	}
	return x
}

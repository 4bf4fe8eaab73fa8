// Command gemmprobe measures the engine's GEMM (model/engine/gemm) on the
// conv-shaped 48x216 · 216x1024 product of issue 10's probe, on one core,
// and prints {"simd": GFLOP/s, "scalar": GFLOP/s, "kernel": the name of the
// kernel chosen at start-up} as JSON. It imports
// nothing but the gemm package so that it builds for js/wasm too:
//
//	GOOS=js GOARCH=wasm go run -exec="$(go env GOROOT)/lib/wasm/go_js_wasm_exec" ./bench/crossruntime/cmd/gemmprobe
package main

import (
	"encoding/json"
	"flag"
	"os"
	"time"

	"github.com/hiwl/hiwl/model/engine/gemm"
)

func main() {
	budget := flag.Duration("time", 2*time.Second, "time per kernel")
	flag.Parse()
	const m, k, n = 48, 216, 1024
	a, b, c := make([]float32, m*k), make([]float32, k*n), make([]float32, m*n)
	for i := range a {
		a[i] = float32(i%13) / 13
	}
	for i := range b {
		b[i] = float32(i%7) / 7
	}
	p := gemm.Pack(m, k, a, k)
	peak := func(mul func(*gemm.Packed, []float32, int, int, []float32, int, gemm.Epilogue)) float64 {
		best := 0.0
		for end := time.Now().Add(*budget); time.Now().Before(end); {
			t := time.Now()
			mul(p, b, n, n, c, n, gemm.Epilogue{})
			best = max(best, 2*m*k*n/time.Since(t).Seconds()/1e9)
		}
		return best
	}
	json.NewEncoder(os.Stdout).Encode(map[string]any{
		"simd": peak(gemm.Mul), "scalar": peak(gemm.MulGeneric), "simd_kernel": gemm.SIMD(), "kernel": gemm.Chosen().Name,
	})
}

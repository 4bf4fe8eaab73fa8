package crossruntime

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"

	"github.com/hiwl/hiwl/model"
	"github.com/hiwl/hiwl/model/engine/gemm"
)

// The probe of issue 10: a 4-row x 2-vector register-blocked sgemm with
// simd.MulAdd on the conv-shaped 48x1024x216 product, on this machine.
const (
	ProbeNativeGFLOPS = 21.8
	ProbeWasmGFLOPS   = 5.9
	gemmM, gemmK      = 48, 216
	gemmN             = 1024
)

// GEMM is what the engine's matrix multiply does on the probe's product.
type GEMM struct {
	Shape      string `json:"shape"`
	SIMD       bool   `json:"simd"`          // a SIMD micro-kernel ran natively
	Kernel     string `json:"native_kernel"` // the kernel chosen at start-up (gemm.Chosen)
	WasmKernel string `json:"wasm_kernel"`
	// ByKernel is the probe's product with each kernel this machine runs,
	// best first (gemm.Kernels).
	ByKernel       []KernelGFLOPS `json:"native_by_kernel"`
	NativeGFLOPS   float64        `json:"native_gflops"`
	NativeScalar   float64        `json:"native_scalar_gflops"` // the pure-Go kernel
	WasmGFLOPS     float64        `json:"wasm_node_gflops"`
	WasmScalar     float64        `json:"wasm_node_scalar_gflops"`
	WasmCommand    string         `json:"wasm_command"`
	ProbeNative    float64        `json:"probe_native_gflops"`
	ProbeWasm      float64        `json:"probe_wasm_gflops"`
	EngineGFLOPS   float64        `json:"engine_inference_gflops"` // whole model, inference only
	EngineFraction float64        `json:"engine_fraction_of_gemm"`
}

// KernelGFLOPS is one GEMM kernel's best rate on the probe's product.
type KernelGFLOPS struct {
	Kernel string  `json:"kernel"`
	MR     int     `json:"mr"`
	NR     int     `json:"nr"`
	GFLOPS float64 `json:"gflops"`
}

// GEMMKernels measures every kernel this machine runs on the probe's
// product, budget each.
func GEMMKernels(budget time.Duration) []KernelGFLOPS {
	var out []KernelGFLOPS
	for _, k := range gemm.Kernels() {
		out = append(out, KernelGFLOPS{Kernel: k.Name, MR: k.MR, NR: k.NR, GFLOPS: gemmPeak(budget, k, gemm.Mul)})
	}
	return out
}

// GEMMPeak is the best GFLOP/s of gemm.Mul (or gemm.MulGeneric) on the
// probe's product on the calling goroutine, over budget, with the kernel
// chosen at start-up.
func GEMMPeak(budget time.Duration, generic bool) float64 {
	mul := gemm.Mul
	if generic {
		mul = gemm.MulGeneric
	}
	return gemmPeak(budget, gemm.Chosen(), mul)
}

func gemmPeak(budget time.Duration, kern *gemm.Kernel, mul func(*gemm.Packed, []float32, int, int, []float32, int, gemm.Epilogue)) float64 {
	r := rand.New(rand.NewPCG(1, 1))
	a, b, c := make([]float32, gemmM*gemmK), make([]float32, gemmK*gemmN), make([]float32, gemmM*gemmN)
	for i := range a {
		a[i] = r.Float32()
	}
	for i := range b {
		b[i] = r.Float32()
	}
	p := gemm.PackFor(kern, gemmM, gemmK, a, gemmK)
	best := 0.0
	work := 2 * float64(gemmM*gemmK*gemmN)
	for end := time.Now().Add(budget); time.Now().Before(end); {
		t := time.Now()
		mul(p, b, gemmN, gemmN, c, gemmN, gemm.Epilogue{})
		best = max(best, work/time.Since(t).Seconds()/1e9)
	}
	return best
}

// wasmExec is how a probe command runs as js/wasm under Node.
const wasmExec = "GOOS=js GOARCH=wasm go run -exec=$(go env GOROOT)/lib/wasm/go_js_wasm_exec "

// runProbe runs the command in pkg (a probe printing JSON) natively or as
// js/wasm under Node (Go's go_js_wasm_exec) and returns its output.
func runProbe(ctx context.Context, pkg string, wasm bool) ([]byte, error) {
	args := []string{"run", pkg}
	var env []string
	if wasm {
		out, err := exec.CommandContext(ctx, "go", "env", "GOROOT").Output()
		if err != nil {
			return nil, err
		}
		args = []string{"run", "-exec=" + strings.TrimSpace(string(out)) + "/lib/wasm/go_js_wasm_exec", pkg}
		env = []string{"GOOS=js", "GOARCH=wasm"}
	}
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stderr = os.Stderr
	return cmd.Output()
}

// WasmGEMM runs cmd/gemmprobe compiled to js/wasm under Node and returns
// the SIMD and scalar kernels' GFLOP/s and the name of the kernel that ran.
func WasmGEMM(ctx context.Context) (simd, scalar float64, kernel, command string, err error) {
	const pkg = "./bench/crossruntime/cmd/gemmprobe"
	command = wasmExec + pkg
	out, err := runProbe(ctx, pkg, true)
	if err != nil {
		return 0, 0, "", command, err
	}
	var r struct {
		SIMD, Scalar float64
		Kernel       string
	}
	if err := json.Unmarshal(out, &r); err != nil || r.SIMD == 0 {
		return 0, 0, "", command, fmt.Errorf("gemmprobe said %q (%v)", out, err)
	}
	return r.SIMD, r.Scalar, r.Kernel, command, nil
}

// Memory is what cmd/memprobe measures: the engine's memory-bound kernels
// in GB/s against copy's, natively and as wasm in Node.
type Memory struct {
	Native      MemoryProbe `json:"native"`
	Wasm        MemoryProbe `json:"wasm_node"`
	Command     string      `json:"command"`
	WasmCommand string      `json:"wasm_command"`
}

// MemoryProbe is cmd/memprobe's output.
type MemoryProbe struct {
	CopyCacheGBps float64        `json:"copy_in_cache_gb_per_s"`
	CopyDRAMGBps  float64        `json:"copy_dram_gb_per_s"`
	Kernels       []MemoryKernel `json:"kernels"`
}

// MemoryKernel is one kernel on one shape.
type MemoryKernel struct {
	Kernel string  `json:"kernel"`
	Shape  string  `json:"shape"`
	GBps   float64 `json:"gb_per_s"`
	GFLOPS float64 `json:"gflops,omitempty"`
}

// MemoryKernels runs cmd/memprobe natively and as js/wasm under Node.
func MemoryKernels(ctx context.Context) (*Memory, error) {
	const pkg = "./bench/crossruntime/cmd/memprobe"
	m := &Memory{Command: "go run " + pkg, WasmCommand: wasmExec + pkg}
	for _, w := range []struct {
		wasm bool
		into *MemoryProbe
	}{{false, &m.Native}, {true, &m.Wasm}} {
		out, err := runProbe(ctx, pkg, w.wasm)
		if err != nil {
			return nil, err
		}
		if err := json.Unmarshal(out, w.into); err != nil || len(w.into.Kernels) == 0 {
			return nil, fmt.Errorf("memprobe said %q (%v)", out, err)
		}
	}
	return m, nil
}

// Throughput is the native classifier on every core.
type Throughput struct {
	Cores          int     `json:"cores"`
	Images         int     `json:"images"`
	OneWorker      float64 `json:"one_worker_images_per_second"`
	AllWorkers     float64 `json:"all_workers_images_per_second"`
	Speedup        float64 `json:"speedup"`
	BatchEntryCall string  `json:"entry_point"`
}

// MeasureThroughput classifies images (file bytes) with ClassifyBatch on
// one worker and on GOMAXPROCS workers, each for at least budget.
func MeasureThroughput(c *model.Classifier, images [][]byte, budget time.Duration) (*Throughput, error) {
	t := &Throughput{Cores: runtime.GOMAXPROCS(0), Images: len(images), BatchEntryCall: "model.Classifier.ClassifyBatch"}
	rate := func(workers int) (float64, error) {
		n := 0
		start := time.Now()
		for time.Since(start) < budget {
			for _, o := range c.ClassifyBatch(images, workers) {
				if o.Err != nil {
					return 0, o.Err
				}
			}
			n += len(images)
		}
		return float64(n) / time.Since(start).Seconds(), nil
	}
	var err error
	if t.OneWorker, err = rate(1); err != nil {
		return nil, err
	}
	if t.AllWorkers, err = rate(t.Cores); err != nil {
		return nil, err
	}
	t.Speedup = t.AllWorkers / t.OneWorker
	return t, nil
}

//go:build goexperiment.simd

package ops

import (
	"simd/archsimd"

	"github.com/hiwl/hiwl/model/engine/act"
)

// depthwiseAsm: the AVX-512 taps kernel runs (it computes 64 values, four
// ZMM vectors, per step: the portable simd vectors' width must be 16).
var depthwiseAsm = archsimd.X86.AVX512() && vectorLen == 16

// depthwiseTaps64 is implemented in depthwise_amd64.s: depthwiseTaps for
// n a multiple of 64, with every offs[t]+n within phases (checked by the
// caller). The portable simd version of this loop spills its slice
// headers and accumulators to the stack at every tap (go1.27.3), at a
// third of this speed.
//
//go:noescape
func depthwiseTaps64(out *float32, n int, phases *float32, offs *int, w *float32, taps int, b float32)

// depthwiseStoreClamp: only wasm has one (depthwise_wasm.go).
func depthwiseStoreClamp(dst, out, residual []float32, wq, ow int, f act.Func) bool { return false }

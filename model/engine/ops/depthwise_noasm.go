//go:build goexperiment.simd && !amd64 && !wasm

package ops

import "github.com/hiwl/hiwl/model/engine/act"

const depthwiseAsm = false

func depthwiseTaps64(out *float32, n int, phases *float32, offs *int, w *float32, taps int, b float32) {
	panic("ops: no depthwise assembly here")
}

// depthwiseStoreClamp: only wasm has one (depthwise_wasm.go).
func depthwiseStoreClamp(dst, out, residual []float32, wq, ow int, f act.Func) bool { return false }

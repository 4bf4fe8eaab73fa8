//go:build goexperiment.simd && !amd64 && !wasm

package ops

import "github.com/hiwl/hiwl/model/engine/act"

const depthwiseAsm = false

func depthwiseTaps64(out *float32, n int, phases *float32, offs *int, w *float32, taps int, b float32) {
	panic("ops: no depthwise assembly here")
}

// depthwiseStoreClamp: only wasm has one (depthwise_wasm.go).
func depthwiseStoreClamp(dst, out, residual []float32, wq, ow int, f act.Func) bool { return false }

// directRows3: only wasm has depthwise3x3Rows (depthwise_rows_wasm.go).
const directRows3 = false

func depthwise3x3Rows(dst, src, w []float32, b, lo, hi float32, zero []float32) {
	panic("ops: no depthwise3x3Rows here")
}

func depthwise3x3s2Rows(dst, src []float32, w int, k []float32, b, lo, hi float32, zero []float32) {
	panic("ops: no depthwise3x3s2Rows here")
}

// gatherEvens: only wasm has a vector one (depthwise_rows_wasm.go).
func gatherEvens(dst, src []float32) int { return 0 }

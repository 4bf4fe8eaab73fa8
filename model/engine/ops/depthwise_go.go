//go:build !goexperiment.simd

package ops

import "github.com/hiwl/hiwl/model/engine/act"

// vectorLen: the pure-Go loops work on any length; 2 keeps the slack small.
const vectorLen = 2

func depthwiseTaps(out, phases []float32, offs []int, w []float32, b float32) {
	depthwiseTapsGo(out, phases, offs, w, b)
}

func depthwiseStore(dst, out, residual []float32, wq, ow int, f act.Func) {
	depthwiseStoreGo(dst, out, residual, wq, ow, f)
}

// Sum returns the sum of x.
func Sum(x []float32) float32 { return sumGo(x) }

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

//go:build !goexperiment.simd || !wasm

package ops

// Only wasm has the row kernels and the vector gather
// (depthwise_rows_wasm.go); elsewhere DepthwisePlan takes the phase
// planes and im2col gathers one value at a time.

const directRows3 = false

func depthwise3x3Rows(dst, src, w []float32, b, lo, hi float32, zero []float32) {
	panic("ops: no depthwise3x3Rows here")
}

func depthwise3x3s2Rows(dst, src []float32, w int, k []float32, b, lo, hi float32, zero []float32) {
	panic("ops: no depthwise3x3s2Rows here")
}

func gatherEvens(dst, src []float32) int { return 0 }

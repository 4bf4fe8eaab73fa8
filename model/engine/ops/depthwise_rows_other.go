//go:build !goexperiment.simd || !(wasm || amd64)

package ops

// Only wasm and amd64 have the row kernels and the vector gather
// (depthwise_rows_wasm.go, depthwise_rows_amd64.go); elsewhere
// DepthwisePlan takes the phase planes and im2col gathers one value at a
// time.

const directRows3 = false

func rowsFit(s, w, ow int) bool { return false }

func depthwise3x3Rows(dst, src, w []float32, b, lo, hi float32, zero []float32) {
	panic("ops: no depthwise3x3Rows here")
}

func depthwise3x3s2Rows(dst, src []float32, w int, k []float32, b, lo, hi float32, zero []float32) {
	panic("ops: no depthwise3x3s2Rows here")
}

func gatherEvens(dst, src []float32) int { return 0 }

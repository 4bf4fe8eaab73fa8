//go:build goexperiment.simd && !amd64 && !wasm

package gemm

// archKernel is false: no kernel of its own on this architecture; the portable one runs.
var archKernel = false

func archTiles(a *Packed, b []float32, ldb, n int, c []float32, ldc int, ep Epilogue) {
	panic("gemm: no kernel of its own on this architecture")
}

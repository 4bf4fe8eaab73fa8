//go:build !goexperiment.simd

package gemm

// SIMD reports whether Mul uses a hardware SIMD micro-kernel.
func SIMD() bool { return false }

func nr() int { return genericNR }

func tiles(a *Packed, b []float32, ldb, n int, c []float32, ldc int, ep Epilogue) {
	genericTiles(a, b, ldb, n, c, ldc, ep)
}

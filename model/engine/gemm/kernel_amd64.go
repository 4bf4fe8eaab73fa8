//go:build goexperiment.simd

package gemm

import (
	"simd"
	"simd/archsimd"
)

// archKernel is true where the assembly micro-kernel runs: AVX2 with FMA,
// the same instructions the portable simd package lowers to on amd64.
var archKernel = archsimd.X86.AVX2() && archsimd.X86.FMA() && lanes == 8

// kernel4x16 is implemented in kernel_amd64.s. k ≥ 1.
//
//go:noescape
func kernel4x16(k int, a, b *float32, ldb int, acc *[MR * 16]float32)

// archTiles is simdTiles with the k loop in assembly; the epilogue stays in
// Go (store), so both kernels write C the same way.
func archTiles(a *Packed, b []float32, ldb, n int, c []float32, ldc int, ep Epilogue) {
	k := a.K
	// The kernel reads B rows j … j+15 for k rows; check the last one once
	// here instead of per load.
	if n > 0 && (k-1)*ldb+n > len(b) {
		panic("gemm: B is shorter than K×N")
	}
	var acc [MR * 16]float32
	for j := 0; j < n; j += 16 {
		for i := 0; i < a.M; i += MR {
			ap := a.data[(i/MR)*MR*k : (i/MR+1)*MR*k]
			kernel4x16(k, &ap[0], &b[j], ldb, &acc)
			rows := min(MR, a.M-i)
			for r := 0; r < rows; r++ {
				v0 := simd.LoadFloat32s(acc[r*16:])
				v1 := simd.LoadFloat32s(acc[r*16+8:])
				store(c, (i+r)*ldc+j, i+r, v0, v1, 8, &ep)
			}
		}
	}
}

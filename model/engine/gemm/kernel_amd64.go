//go:build goexperiment.simd

package gemm

import (
	"simd/archsimd"

	"github.com/hiwl/hiwl/model/engine/act"
)

// archKernels are the assembly kernels this processor runs, best first:
// AVX-512 (8×32 tiles in 16 of the 32 ZMM registers, the last columns by
// masked loads) and AVX2 with FMA (4×16 tiles in YMM registers).
func archKernels() []*Kernel {
	var ks []*Kernel
	if archsimd.X86.AVX512() {
		ks = append(ks, &Kernel{Name: "avx512-8x32", MR: 8, NR: 32, tiles: avx512Tiles, ragged: true})
	}
	if archsimd.X86.AVX2() && archsimd.X86.FMA() {
		ks = append(ks, &Kernel{Name: "avx2-4x16", MR: 4, NR: 16, tiles: avx2Tiles})
	}
	return ks
}

// kernel4x16 is implemented in kernel_amd64.s. k ≥ 1.
//
//go:noescape
func kernel4x16(k int, a, b *float32, ldb int, acc *[4 * 16]float32)

// kernel8x32 is implemented in kernel_amd64.s: acc = A panel · B[:, 0:32]
// with B's columns past the set bits of mask read as zero (and not read).
// k ≥ 1.
//
//go:noescape
func kernel8x32(k int, a, b *float32, ldb int, acc *[8 * 32]float32, mask uint32)

// avx2Tiles runs kernel4x16 over columns [0, n), n a multiple of 16; the
// epilogue stays in Go (finish), so every kernel writes C the same way.
func avx2Tiles(a Packed, b []float32, ldb, n int, c []float32, ldc int, ep Epilogue) {
	k := a.K
	// The kernel reads B rows j … j+15 for k rows; check the last one once
	// here instead of per load.
	if n > 0 && (k-1)*ldb+n > len(b) || len(a.data) < ((a.M+3)/4)*4*k {
		panic("gemm: operands smaller than M×K, K×N")
	}
	var acc [4 * 16]float32
	for j := 0; j < n; j += 16 {
		for i := 0; i < a.M; i += 4 {
			kernel4x16(k, &a.data[(i/4)*4*k], &b[j], ldb, &acc)
			finishRows(c, i*ldc+j, ldc, i, min(4, a.M-i), 16, acc[:], 16, &ep)
		}
	}
}

// avx512Tiles runs kernel8x32 over columns [0, n), any n: the last tile,
// narrower than 32, is loaded under a mask, so it needs no padded copy.
func avx512Tiles(a Packed, b []float32, ldb, n int, c []float32, ldc int, ep Epilogue) {
	k := a.K
	if n > 0 && (k-1)*ldb+n > len(b) || len(a.data) < ((a.M+7)/8)*8*k {
		panic("gemm: operands smaller than M×K, K×N")
	}
	// Without a residual, and with no activation, ReLU or ReLU6 (mul
	// applies SiLU and sigmoid later, over whole rows), whole panels of eight rows
	// keep the epilogue in registers (kernel8x32C): the round trip through
	// acc and the Go epilogue had been a tenth of the default model's
	// native inference.
	var mode uint8 // kernel8x32C's activation: 0 none, 1 ReLU, 2 ReLU6
	switch ep.Act {
	case act.Relu:
		mode = 1
	case act.ReLU6:
		mode = 2
	}
	direct := ep.Residual == nil && (ep.Act == act.None || mode > 0) &&
		(ep.Bias == nil || len(ep.Bias) >= a.M)
	if direct && a.M >= 8 && (a.M-1)*ldc+n > len(c) {
		panic("gemm: C smaller than M×N")
	}
	var acc [8 * 32]float32
	for j := 0; j < n; j += 32 {
		w := min(32, n-j)
		mask := uint32(uint64(1)<<w - 1)
		for i := 0; i < a.M; i += 8 {
			if direct && i+8 <= a.M {
				var bias *float32
				if ep.Bias != nil {
					bias = &ep.Bias[i]
				}
				kernel8x32C(k, &a.data[(i/8)*8*k], &b[j], ldb, &c[i*ldc+j], ldc, bias, mask, mode)
				continue
			}
			kernel8x32(k, &a.data[(i/8)*8*k], &b[j], ldb, &acc, mask)
			finishRows(c, i*ldc+j, ldc, i, min(8, a.M-i), w, acc[:], 32, &ep)
		}
	}
}

// kernel8x32C is implemented in kernel_amd64.s: kernel8x32 with the
// epilogue in registers, C[r][0:w] = act(bias[r] + A panel · B) for the
// eight rows from c (row stride ldc), bias nil for none, act the identity
// (mode 0), ReLU (1) or ReLU6 (2), the columns past mask neither read nor
// written. k ≥ 1.
//
//go:noescape
func kernel8x32C(k int, a, b *float32, ldb int, c *float32, ldc int, bias *float32, mask uint32, mode uint8)

//go:build goexperiment.simd

package ops

import "simd/archsimd"

// maxPoolKernel: the AVX2 row kernel of maxPool2x2 runs.
var maxPoolKernel = archsimd.X86.AVX2()

// maxPool2x2x8 is implemented in maxpool_amd64.s. n ≥ 1; it reads 16n
// values of r0 and r1 and writes 8n of dst.
//
//go:noescape
func maxPool2x2x8(dst, r0, r1 *float32, n int)

//go:build goexperiment.simd

package act

import "simd/archsimd"

// sigmoidAsm: sigmoidAVX512 runs (Sigmoid and SiLU over whole slices).
var sigmoidAsm = archsimd.X86.AVX512()

// sigmoidAVX512 is implemented in sigmoid_amd64.s: σ(x) (x·σ(x) when
// mulx) in place over n values, n a multiple of 16. The portable vector
// form spends most of its time rematerialising its thirteen constants and
// dividing; this is about three times faster.
//
//go:noescape
func sigmoidAVX512(x *float32, n int, mulx bool)

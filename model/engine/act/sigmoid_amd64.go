//go:build goexperiment.simd

package act

import "simd/archsimd"

// sigmoidFastOK: sigmoidAVX512 runs (Sigmoid and SiLU over whole slices).
var sigmoidFastOK = archsimd.X86.AVX512()

// sigmoidFast applies σ (x·σ when mulx) to the longest prefix of x it can,
// a multiple of 16 values, and returns its length.
func sigmoidFast(x []float32, mulx bool) int {
	n := len(x) &^ 15
	if n > 0 {
		sigmoidAVX512(&x[0], n, mulx)
	}
	return n
}

// sigmoidAVX512 is implemented in sigmoid_amd64.s: σ(x) (x·σ(x) when
// mulx) in place over n values, n a multiple of 16. The portable vector
// form spends most of its time rematerialising its thirteen constants and
// dividing; this is about three times faster.
//
//go:noescape
func sigmoidAVX512(x *float32, n int, mulx bool)

//go:build goexperiment.simd

// Package avx ends stretches of AVX code, so that the scalar float code
// after them runs at full speed.
//
// Go's scalar float code is SSE without the VEX prefix. After 256- or
// 512-bit code leaves the upper halves of the vector registers set, Intel
// processors make every such SSE instruction depend on those upper bits
// until a VZEROUPPER, and scalar loops slow down several-fold. The
// engine's assembly kernels end with VZEROUPPER; code written with the
// portable simd package does not (go1.27.3's compiler emits none, see
// archsimd.ClearAVXUpperBits): ops.Sum over 25 values took 210-300 ns
// before its scalar tail, and 30 ns with ClearUpper ahead of it
// (BenchmarkSum, Intel Xeon with AVX-512).
package avx

import "simd/archsimd"

var hasAVX = archsimd.X86.AVX()

// ClearUpper zeroes the upper halves of the vector registers where the
// processor has AVX (VZEROUPPER), and does nothing elsewhere.
func ClearUpper() {
	if hasAVX {
		archsimd.ClearAVXUpperBits()
	}
}

//go:build goexperiment.simd

package gemm

import "testing"

// TestPortableEqualsGeneric holds the portable simd kernel, which runs
// where there is no kernel of the architecture's own, to the pure-Go one.
func TestPortableEqualsGeneric(t *testing.T) {
	defer func(was bool) { archKernel = was }(archKernel)
	archKernel = false
	TestSIMDEqualsGeneric(t)
	TestMulMatchesNaive(t)
}

// BenchmarkMulPortable48x216x1024 is Mul with the portable simd kernel
// instead of this architecture's own (assembly on amd64, archsimd on
// wasm), for the ratio between the two.
func BenchmarkMulPortable48x216x1024(b *testing.B) {
	defer func(was bool) { archKernel = was }(archKernel)
	archKernel = false
	benchMul(b, Mul, 48, 216, 1024)
}

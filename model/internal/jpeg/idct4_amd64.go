//go:build goexperiment.simd

package jpeg

import "simd/archsimd"

// fusedIDCT4: with AVX, idct4x4Store runs in 128-bit vectors natively too
// (idct4_simd.go).
var fusedIDCT4 = archsimd.X86.AVX()

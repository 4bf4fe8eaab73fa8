//go:build goexperiment.simd

package jpeg

// fusedIDCT4: wasm has idct4x4Store in SIMD128 (idct4_simd.go).
const fusedIDCT4 = true

//go:build !goexperiment.simd || !(wasm || amd64)

package jpeg

// fusedIDCT4: only wasm and amd64 have a fused kernel (idct4_simd.go).
const fusedIDCT4 = false

func idct4x4Store(dst []byte, stride int, b *block) {
	idct4x4(b)
	storeScaled(dst, stride, b, 4)
}

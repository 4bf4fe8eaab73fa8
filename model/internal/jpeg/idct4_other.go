//go:build !goexperiment.simd || !wasm

package jpeg

// fusedIDCT4: only wasm has a fused kernel (idct4_simd_wasm.go); natively
// the scalar pair is already fast.
const fusedIDCT4 = false

func idct4x4Store(dst []byte, stride int, b *block) {
	idct4x4(b)
	storeScaled(dst, stride, b, 4)
}

//go:build goexperiment.simd && (wasm || amd64)

package jpeg

import (
	"simd/archsimd"
	"unsafe"
)

// The fused kernel's 128-bit integer vectors are wasm's SIMD128 and,
// natively, AVX's; fusedIDCT4 (idct4_wasm.go, idct4_amd64.go) says
// whether it runs.

// idct4x4Store is idct4x4 then storeScaled(dst, stride, b, 4) in one pass,
// in 128-bit vectors: each row's four outputs are a vector, the sum of the row's
// four coefficients times a column of the transform's matrix; the second
// pass sums those row vectors times the matrix's constants; the level
// shift and clip run on the vectors. The sums are the butterfly's, term
// by term (integer multiplication distributes over addition, wrapping
// included), rounded at the same two places, so the pixels are the same
// (TestIDCT4x4Store). The scalar pair, with a call and the block written
// and read again between them, was 12 % of a cutout's preprocessing in
// wasm (Node CPU profile of BenchmarkPreprocessJPEG).
func idct4x4Store(dst []byte, stride int, b *block) {
	_ = dst[3*stride+3]
	idct4x4StoreSIMD(unsafe.Pointer(&dst[0]), uintptr(stride), b)
}

//go:noinline
func idct4x4StoreSIMD(dst unsafe.Pointer, stride uintptr, b *block) {
	// scaledK[4][x][u] by u: the matrix's columns, one lane per x.
	k0 := archsimd.BroadcastInt32x4(2896)
	k1 := archsimd.LoadInt32x4Array(&[4]int32{3784, 1567, -1567, -3784})
	k2 := archsimd.LoadInt32x4Array(&[4]int32{2896, -2896, -2896, 2896})
	k3 := archsimd.LoadInt32x4Array(&[4]int32{1567, -3784, 3784, -1567})
	row := func(v int) archsimd.Int32x4 {
		f := archsimd.LoadInt32x4Array((*[4]int32)(b[8*v : 8*v+4]))
		s := k0.Mul(archsimd.BroadcastInt32x4(f.GetElem(0))).
			Add(k1.Mul(archsimd.BroadcastInt32x4(f.GetElem(1)))).
			Add(k2.Mul(archsimd.BroadcastInt32x4(f.GetElem(2)))).
			Add(k3.Mul(archsimd.BroadcastInt32x4(f.GetElem(3))))
		return s.Add(archsimd.BroadcastInt32x4(1 << (scaledConstBits - scaledPass1Bits - 1))).ShiftAllRight(scaledConstBits - scaledPass1Bits)
	}
	r0, r1, r2, r3 := row(0), row(1), row(2), row(3)
	// descale, then the level shift, in clip's order: the same wrap-around
	// as the scalar code for any coefficients.
	round := archsimd.BroadcastInt32x4(1 << (scaledConstBits + scaledPass1Bits - 1))
	shift := archsimd.BroadcastInt32x4(128)
	lo, hi := archsimd.BroadcastInt32x4(0), archsimd.BroadcastInt32x4(255)
	out := func(y uintptr, c0, c1, c2, c3 int32) {
		s := r0.Mul(archsimd.BroadcastInt32x4(c0)).
			Add(r1.Mul(archsimd.BroadcastInt32x4(c1))).
			Add(r2.Mul(archsimd.BroadcastInt32x4(c2))).
			Add(r3.Mul(archsimd.BroadcastInt32x4(c3)))
		p := s.Add(round).ShiftAllRight(scaledConstBits + scaledPass1Bits).Add(shift).Max(lo).Min(hi)
		d := (*[4]byte)(unsafe.Add(dst, y*stride))
		d[0], d[1], d[2], d[3] = byte(p.GetElem(0)), byte(p.GetElem(1)), byte(p.GetElem(2)), byte(p.GetElem(3))
	}
	out(0, 2896, 3784, 2896, 1567)
	out(1, 2896, 1567, -2896, -3784)
	out(2, 2896, -1567, -2896, 3784)
	out(3, 2896, -3784, 2896, -1567)
}

//go:build goexperiment.simd

package ops

import (
	"simd/archsimd"
	"unsafe"

	"github.com/hiwl/hiwl/model/engine/internal/avx"
)

// directRows3: with AVX2 and FMA, 3×3 stride-2 planes whose output rows
// are whole 8-float vectors run from the input rows, as in wasm
// (depthwise_rows_wasm.go): no deinterleave of every input row into phase
// planes. Against the AVX-512 phase planes, alternated 40 times in one
// process: 96×32×32 0.62x, 144×16×16 0.79x. At stride 1 the same kernel
// measured 0.97-1.15x, so those planes keep the phase planes.
var directRows3 = archsimd.X86.AVX2() && archsimd.X86.FMA()

// rowsFit reports whether the row kernels take a plane of this geometry
// (already a rows3 plan): eight floats a vector here.
func rowsFit(s, w, ow int) bool { return s == 2 && ow%8 == 0 }

// depthwise3x3Rows: natively stride-1 planes keep the phase planes (the
// same row kernel in AVX2 measured 0.97-1.15x their time).
func depthwise3x3Rows(dst, src, w []float32, b, lo, hi float32, zero []float32) {
	panic("ops: no depthwise3x3Rows here")
}

// gatherEvens: natively the scalar gather (the stem's im2col is small
// beside the GEMM here).
func gatherEvens(dst, src []float32) int { return 0 }

var (
	iota8       = [8]float32{0, 1, 2, 3, 4, 5, 6, 7}
	shiftRight8 = [8]uint32{0, 0, 1, 2, 3, 4, 5, 6} // lane i takes lane i-1
	deinter8    = [8]uint32{0, 2, 4, 6, 1, 3, 5, 7} // evens, then odds
)

// depthwise3x3s2Rows is depthwise3x3Rows at stride 2: src is an h×w plane
// (both even), dst its (h/2)×(w/2) output, w/2 a multiple of 8; zero
// holds at least w+8 zeros (the padding row above). Each output vector's
// even and odd input columns come from two loads and two permutes, the
// odd ones shifted by one from two more (at a row's start, from a lane
// shift of the odd ones and the padding's zero).
func depthwise3x3s2Rows(dst, src []float32, w int, k []float32, b, lo, hi float32, zero []float32) {
	ow := w / 2
	if w < 16 || ow%8 != 0 || len(src)%w != 0 || len(src)/w%2 != 0 || len(dst)*4 != len(src) || len(k) < 9 || len(zero) < w+8 {
		panic("ops: depthwise3x3s2Rows operands do not match")
	}
	dw3x3s2x8(unsafe.Pointer(&dst[0]), unsafe.Pointer(&src[0]), len(dst)/ow, ow, (*[9]float32)(k), b, lo, hi, unsafe.Pointer(&zero[4]))
	avx.ClearUpper()
}

//go:noinline
func dw3x3s2x8(dst, src unsafe.Pointer, oh, ow int, k *[9]float32, b, lo, hi float32, zero unsafe.Pointer) {
	k0, k1, k2 := archsimd.BroadcastFloat32x8(k[0]), archsimd.BroadcastFloat32x8(k[1]), archsimd.BroadcastFloat32x8(k[2])
	k3, k4, k5 := archsimd.BroadcastFloat32x8(k[3]), archsimd.BroadcastFloat32x8(k[4]), archsimd.BroadcastFloat32x8(k[5])
	k6, k7, k8 := archsimd.BroadcastFloat32x8(k[6]), archsimd.BroadcastFloat32x8(k[7]), archsimd.BroadcastFloat32x8(k[8])
	bv := archsimd.BroadcastFloat32x8(b)
	lv, hv := archsimd.BroadcastFloat32x8(lo), archsimd.BroadcastFloat32x8(hi)
	iota := archsimd.LoadFloat32x8Array(&iota8)
	notFirst := iota.Greater(archsimd.BroadcastFloat32x8(0))
	sr, de := archsimd.LoadUint32x8Array(&shiftRight8), archsimd.LoadUint32x8Array(&deinter8)
	inRow := uintptr(8 * ow) // bytes of an input row (2·ow floats)
	outRow := uintptr(4 * ow)
	for oy := 0; oy < oh; oy++ {
		r1 := unsafe.Add(src, uintptr(2*oy)*inRow)
		r0, r2 := unsafe.Add(r1, -int(inRow)), unsafe.Add(r1, inRow)
		if oy == 0 {
			r0 = zero
		}
		d := unsafe.Add(dst, uintptr(oy)*outRow)
		for q := uintptr(0); q < outRow; q += 32 {
			first := q == 0
			l, c, r := stride2Taps8(unsafe.Add(r0, 2*q), first, de, sr, notFirst)
			acc := l.MulAdd(k0, bv)
			acc = c.MulAdd(k1, acc)
			acc = r.MulAdd(k2, acc)
			l, c, r = stride2Taps8(unsafe.Add(r1, 2*q), first, de, sr, notFirst)
			acc = l.MulAdd(k3, acc)
			acc = c.MulAdd(k4, acc)
			acc = r.MulAdd(k5, acc)
			l, c, r = stride2Taps8(unsafe.Add(r2, 2*q), first, de, sr, notFirst)
			acc = l.MulAdd(k6, acc)
			acc = c.MulAdd(k7, acc)
			acc = r.MulAdd(k8, acc)
			acc.Max(lv).Min(hv).StoreArray((*[8]float32)(unsafe.Add(d, q)))
		}
	}
}

// stride2Taps8 returns, for the sixteen values x0…x15 at p and x₋₁ the
// value before them (the padding's zero at a row's start), the taps'
// inputs of eight stride-2 outputs: [x₋₁ x1 … x13], [x0 x2 … x14] and
// [x1 x3 … x15]. No scalar float is read: after the 256-bit code, every
// SSE instruction would wait on the registers' upper halves.
func stride2Taps8(p unsafe.Pointer, first bool, de, sr archsimd.Uint32x8, notFirst archsimd.Mask32x8) (l, c, r archsimd.Float32x8) {
	a, b := ld8(p, 0).Permute(de), ld8(p, 32).Permute(de) // [evens | odds] of each
	c = a.SetHi(b.GetLo())
	r = b.SetLo(a.GetHi())
	if first {
		l = r.Permute(sr).Masked(notFirst)
		return l, c, r
	}
	// x₋₁ … x₆ and x₇ … x₁₄: their evens are l
	e, f := ld8(p, -4).Permute(de), ld8(p, 28).Permute(de)
	l = e.SetHi(f.GetLo())
	return l, c, r
}

// ld8 loads eight floats at byte offset off from p.
func ld8(p unsafe.Pointer, off int) archsimd.Float32x8 {
	return archsimd.LoadFloat32x8Array((*[8]float32)(unsafe.Add(p, off)))
}

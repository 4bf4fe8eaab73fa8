//go:build goexperiment.simd

package ops

import (
	"simd/archsimd"
	"unsafe"
)

// directRows3: wasm has depthwise3x3Rows.
const directRows3 = true

// rowsFit: every rows3 plan fits wasm's four-float vectors.
func rowsFit(s, w, ow int) bool { return true }

// depthwise3x3Rows computes one plane of a 3×3, stride-1, pad-1 depthwise
// convolution straight from the input rows into dst (both h×w, w a
// multiple of 4 and at least 8), clamped to [lo, hi]. zero holds w+8
// zeros: the padding rows above and below.
//
// DepthwisePlan.Run's phase planes cost two extra passes over every
// channel in wasm, the scatter in and the clamped store out, and at
// MobileNetV2's 8×8 and 16×16 planes those passes and their calls cost
// more than the taps (BenchmarkDepthwise as js/wasm: 192×8×8 at 2 GFLOP/s).
// Here each output vector reads its three input rows at three column
// shifts; the columns left and right of the plane are zeroed in lanes,
// not padded in memory.
func depthwise3x3Rows(dst, src, w []float32, b, lo, hi float32, zero []float32) {
	cols := len(zero) - 8
	if cols < 8 || cols%4 != 0 || len(dst)%cols != 0 || len(src) != len(dst) || len(w) < 9 || len(dst) == 0 {
		panic("ops: depthwise3x3Rows operands do not match")
	}
	dw3x3s1(unsafe.Pointer(&dst[0]), unsafe.Pointer(&src[0]), len(dst)/cols, cols, &w[0], b, lo, hi, unsafe.Pointer(&zero[4]))
}

// dw3x3s1 is depthwise3x3Rows on raw pointers, small and out of line like
// depthwiseTaps64 so that V8 keeps the nine weights in registers. It keeps
// no running sum for a pooling (runRows3 sums the plane afterwards): with
// one, the loop held more vectors than the Go wasm backend's 16 and
// spilled one every turn. The
// first vector of a row loads its left neighbours from 4 bytes before the
// row, which for the first row of a tensor is memory before it: wasm
// memory below a Go heap pointer is always addressable, and the lane is
// replaced by zero before any arithmetic, so whatever it holds (a NaN
// included) never reaches the output. The last vector builds its right
// neighbours from its own lanes, so no load passes the end of src, which
// could be the end of wasm memory (loading them from the next row where
// one follows was slower: 1.04x).
//
//go:noinline
func dw3x3s1(dst, src unsafe.Pointer, h, w int, wt *float32, b, lo, hi float32, zero unsafe.Pointer) {
	k := (*[9]float32)(unsafe.Pointer(wt))
	k0, k1, k2 := archsimd.BroadcastFloat32x4(k[0]), archsimd.BroadcastFloat32x4(k[1]), archsimd.BroadcastFloat32x4(k[2])
	k3, k4, k5 := archsimd.BroadcastFloat32x4(k[3]), archsimd.BroadcastFloat32x4(k[4]), archsimd.BroadcastFloat32x4(k[5])
	k6, k7, k8 := archsimd.BroadcastFloat32x4(k[6]), archsimd.BroadcastFloat32x4(k[7]), archsimd.BroadcastFloat32x4(k[8])
	bv := archsimd.BroadcastFloat32x4(b)
	lv, hv := archsimd.BroadcastFloat32x4(lo), archsimd.BroadcastFloat32x4(hi)
	row := uintptr(4 * w)
	last := row - 16 // byte offset of a row's last vector
	for oy := 0; oy < h; oy++ {
		r1 := unsafe.Add(src, uintptr(oy)*row)
		r0, r2 := unsafe.Add(r1, -int(row)), unsafe.Add(r1, row)
		if oy == 0 {
			r0 = zero
		}
		if oy == h-1 {
			r2 = zero
		}
		d := unsafe.Add(dst, uintptr(oy)*row)

		acc := tap3(bv, leftEdge(r0), load4(r0, 0), load4(r0, 1), k0, k1, k2)
		acc = tap3(acc, leftEdge(r1), load4(r1, 0), load4(r1, 1), k3, k4, k5)
		acc = tap3(acc, leftEdge(r2), load4(r2, 0), load4(r2, 1), k6, k7, k8)
		acc = acc.Max(lv).Min(hv)
		acc.StoreArray((*[4]float32)(d))

		for q := uintptr(16); q < last; q += 16 {
			p0, p1, p2 := unsafe.Add(r0, q), unsafe.Add(r1, q), unsafe.Add(r2, q)
			acc := tap3(bv, loadBefore(p0), load4(p0, 0), load4(p0, 1), k0, k1, k2)
			acc = tap3(acc, loadBefore(p1), load4(p1, 0), load4(p1, 1), k3, k4, k5)
			acc = tap3(acc, loadBefore(p2), load4(p2, 0), load4(p2, 1), k6, k7, k8)
			acc = acc.Max(lv).Min(hv)
			acc.StoreArray((*[4]float32)(unsafe.Add(d, q)))
		}

		p0, p1, p2 := unsafe.Add(r0, last), unsafe.Add(r1, last), unsafe.Add(r2, last)
		c0, c1, c2 := load4(p0, 0), load4(p1, 0), load4(p2, 0)
		acc = tap3(bv, loadBefore(p0), c0, rightEdge(c0), k0, k1, k2)
		acc = tap3(acc, loadBefore(p1), c1, rightEdge(c1), k3, k4, k5)
		acc = tap3(acc, loadBefore(p2), c2, rightEdge(c2), k6, k7, k8)
		acc = acc.Max(lv).Min(hv)
		acc.StoreArray((*[4]float32)(unsafe.Add(d, last)))
	}
}

// tap3 is acc + ka·l + kb·c + kc·r: one input row's three taps.
func tap3(acc, l, c, r, ka, kb, kc archsimd.Float32x4) archsimd.Float32x4 {
	return acc.Add(ka.Mul(l)).Add(kb.Mul(c)).Add(kc.Mul(r))
}

// loadBefore loads the four values that start one value before p.
func loadBefore(p unsafe.Pointer) archsimd.Float32x4 { return load4(unsafe.Add(p, -4), 0) }

// leftEdge is loadBefore of a row's start with the padding's zero in lane 0.
func leftEdge(p unsafe.Pointer) archsimd.Float32x4 { return loadBefore(p).SetElem(0, 0) }

// rightEdge is [c1 c2 c3 0]: a row's last vector shifted by one, with the
// padding's zero after it.
func rightEdge(c archsimd.Float32x4) archsimd.Float32x4 {
	var v archsimd.Float32x4
	return v.SetElem(0, c.GetElem(1)).SetElem(1, c.GetElem(2)).SetElem(2, c.GetElem(3))
}

// depthwise3x3s2Rows is depthwise3x3Rows at stride 2: src is an h×w plane
// (both even), dst its (h/2)×(w/2) output, w/2 a multiple of 4; zero holds
// at least w+8 zeros (the padding row above). Each output vector's inputs
// are, per input row, its even columns, its odd ones and the odd ones
// shifted by one, gathered from two loads by byte swizzles: the stride-2 layers'
// scatter into phase planes (a deinterleave of every row) was most of
// their time in wasm.
func depthwise3x3s2Rows(dst, src []float32, w int, k []float32, b, lo, hi float32, zero []float32) {
	ow := w / 2
	if w < 8 || w%8 != 0 || len(src)%w != 0 || len(src)/w%2 != 0 || len(dst)*4 != len(src) || len(k) < 9 || len(zero) < w+8 {
		panic("ops: depthwise3x3s2Rows operands do not match")
	}
	dw3x3s2(unsafe.Pointer(&dst[0]), unsafe.Pointer(&src[0]), len(dst)/ow, ow, &k[0], b, lo, hi, unsafe.Pointer(&zero[4]))
}

//go:noinline
func dw3x3s2(dst, src unsafe.Pointer, oh, ow int, wt *float32, b, lo, hi float32, zero unsafe.Pointer) {
	k := (*[9]float32)(unsafe.Pointer(wt))
	k0, k1, k2 := archsimd.BroadcastFloat32x4(k[0]), archsimd.BroadcastFloat32x4(k[1]), archsimd.BroadcastFloat32x4(k[2])
	k3, k4, k5 := archsimd.BroadcastFloat32x4(k[3]), archsimd.BroadcastFloat32x4(k[4]), archsimd.BroadcastFloat32x4(k[5])
	k6, k7, k8 := archsimd.BroadcastFloat32x4(k[6]), archsimd.BroadcastFloat32x4(k[7]), archsimd.BroadcastFloat32x4(k[8])
	bv := archsimd.BroadcastFloat32x4(b)
	lv, hv := archsimd.BroadcastFloat32x4(lo), archsimd.BroadcastFloat32x4(hi)
	inRow := uintptr(8 * ow) // bytes of an input row (2·ow floats)
	outRow := uintptr(4 * ow)
	for oy := 0; oy < oh; oy++ {
		r1 := unsafe.Add(src, uintptr(2*oy)*inRow)
		r0, r2 := unsafe.Add(r1, -int(inRow)), unsafe.Add(r1, inRow)
		if oy == 0 {
			r0 = zero
		}
		d := unsafe.Add(dst, uintptr(oy)*outRow)
		for q := uintptr(0); q < outRow; q += 16 {
			// input columns 2·ox-1 … 2·ox+7 of the output vector at ox = q/4
			var m0, m1, m2 float32
			if q > 0 {
				m0 = *(*float32)(unsafe.Add(r0, 2*q-4))
				m1 = *(*float32)(unsafe.Add(r1, 2*q-4))
				m2 = *(*float32)(unsafe.Add(r2, 2*q-4))
			}
			l, c, r := stride2Taps(unsafe.Add(r0, 2*q), m0)
			acc := tap3(bv, l, c, r, k0, k1, k2)
			l, c, r = stride2Taps(unsafe.Add(r1, 2*q), m1)
			acc = tap3(acc, l, c, r, k3, k4, k5)
			l, c, r = stride2Taps(unsafe.Add(r2, 2*q), m2)
			acc = tap3(acc, l, c, r, k6, k7, k8)
			acc = acc.Max(lv).Min(hv)
			acc.StoreArray((*[4]float32)(unsafe.Add(d, q)))
		}
	}
}

// stride2Taps returns, for the eight values x0…x7 at p and x₋₁ = before,
// the three taps' inputs of four stride-2 outputs: [x₋₁ x1 x3 x5],
// [x0 x2 x4 x6] and [x1 x3 x5 x7].
func stride2Taps(p unsafe.Pointer, before float32) (l, c, r archsimd.Float32x4) {
	a, b := bytes16(load4(p, 0)), bytes16(load4(p, 4))
	c = floats4(a.LookupOrZero(evensLo).Or(b.LookupOrZero(evensHi)))
	oddBytes := a.LookupOrZero(oddsLo).Or(b.LookupOrZero(oddsHi))
	r = floats4(oddBytes)
	l = floats4(oddBytes.LookupOrZero(shiftUp)).SetElem(0, before)
	return l, c, r
}

// The byte indices of i8x16.swizzle (LookupOrZero) that gather the even
// or odd float32 lanes of a vector into the low or high half of another;
// -1 gives a zero byte, which the other half's Or fills.
var (
	evensLo = archsimd.LoadInt8x16Array(&[16]int8{0, 1, 2, 3, 8, 9, 10, 11, -1, -1, -1, -1, -1, -1, -1, -1})
	evensHi = archsimd.LoadInt8x16Array(&[16]int8{-1, -1, -1, -1, -1, -1, -1, -1, 0, 1, 2, 3, 8, 9, 10, 11})
	oddsLo  = archsimd.LoadInt8x16Array(&[16]int8{4, 5, 6, 7, 12, 13, 14, 15, -1, -1, -1, -1, -1, -1, -1, -1})
	oddsHi  = archsimd.LoadInt8x16Array(&[16]int8{-1, -1, -1, -1, -1, -1, -1, -1, 4, 5, 6, 7, 12, 13, 14, 15})
	shiftUp = archsimd.LoadInt8x16Array(&[16]int8{-1, -1, -1, -1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11})
)

// gatherEvens sets dst[k] = src[2k] four values at a time, from two loads
// and two swizzles, for as long as the loads stay within src, and returns
// how many it set; the caller gathers the rest.
func gatherEvens(dst, src []float32) int {
	k := 0
	for ; k+4 <= len(dst) && 2*k+8 <= len(src); k += 4 {
		p := unsafe.Pointer(&src[2*k])
		a, b := bytes16(load4(p, 0)), bytes16(load4(p, 4))
		floats4(a.LookupOrZero(evensLo).Or(b.LookupOrZero(evensHi))).StoreArray((*[4]float32)(dst[k:]))
	}
	return k
}

func bytes16(v archsimd.Float32x4) archsimd.Int8x16 { return v.ToBits().ReshapeToUint8s().BitsToInt8() }
func floats4(v archsimd.Int8x16) archsimd.Float32x4 {
	return v.ToBits().ReshapeToUint32s().BitsToFloat32()
}

//go:build goexperiment.simd

package ops

import (
	"simd/archsimd"
	"unsafe"

	"github.com/hiwl/hiwl/model/engine/act"
)

// depthwiseAsm: wasm always has SIMD128 under the experiment.
const depthwiseAsm = true

// depthwiseTaps64 is depthwiseTaps for wasm SIMD128 in archsimd, as
// depthwise_amd64.s is for AVX-512: n a multiple of 16 (four vectors),
// every offs[t]+n within phases (checked by the caller). Through the
// portable package each tap's slice expressions and bounds checks, with
// the accumulators spilled around them, cost more than its arithmetic;
// here the taps walk raw pointers, and the function is small and out of
// line so that V8 keeps the four accumulators in registers (see gemm's
// kernel4x8). SIMD128 has no fused multiply-add: each tap is a Mul and an
// Add, as the portable MulAdd is there.
//
//go:noinline
func depthwiseTaps64(out *float32, n int, phases *float32, offs *int, w *float32, taps int, b float32) {
	po, pp := unsafe.Pointer(out), unsafe.Pointer(phases)
	po0, pw := unsafe.Pointer(offs), unsafe.Pointer(w)
	bv := archsimd.BroadcastFloat32x4(b)
	for i := uintptr(0); i < uintptr(n)*4; i += 64 {
		a0, a1, a2, a3 := bv, bv, bv, bv
		for t := uintptr(0); t < uintptr(taps); t++ {
			wv := archsimd.BroadcastFloat32x4(*(*float32)(unsafe.Add(pw, 4*t)))
			src := unsafe.Add(pp, uintptr(*(*int)(unsafe.Add(po0, 8*t)))*4+i)
			a0 = a0.Add(wv.Mul(load4(src, 0)))
			a1 = a1.Add(wv.Mul(load4(src, 4)))
			a2 = a2.Add(wv.Mul(load4(src, 8)))
			a3 = a3.Add(wv.Mul(load4(src, 12)))
		}
		o := unsafe.Add(po, i)
		a0.StoreArray((*[4]float32)(o))
		a1.StoreArray((*[4]float32)(unsafe.Add(o, 16)))
		a2.StoreArray((*[4]float32)(unsafe.Add(o, 32)))
		a3.StoreArray((*[4]float32)(unsafe.Add(o, 48)))
	}
}

// depthwiseStoreClamp is depthwiseStore for the activations that are a
// clamp (none, ReLU, ReLU6), in SIMD128 on raw pointers. Through the
// portable package (a bounds-checked load, act.Vec's switch and a store
// per vector) a ReLU6 layer's store took twice its taps' time in Node:
// about 4.5 ns a value, 150 µs of the first MobileNetV2 layer's 230.
// It reports false for any other f.
func depthwiseStoreClamp(dst, out, residual []float32, wq, ow int, f act.Func) bool {
	lo, hi, ok := clampRange(f)
	if !ok {
		return false
	}
	rows := len(dst) / ow
	if rows == 0 {
		return true
	}
	// The last row reads its ow values and no further: whole vectors stop
	// at ow, the rest go one by one.
	if len(out) < (rows-1)*wq+ow || (residual != nil && len(residual) < len(dst)) {
		panic("ops: depthwise store operands out of range")
	}
	var r unsafe.Pointer
	if residual != nil {
		r = unsafe.Pointer(&residual[0])
	}
	clampRows(unsafe.Pointer(&dst[0]), unsafe.Pointer(&out[0]), r, rows, wq, ow, lo, hi)
	return true
}

// clampRows sets dst's rows (ow wide) to min(max(out's rows (wq wide) +
// residual's (ow wide, if not nil), lo), hi).
//
//go:noinline
func clampRows(dst, out, residual unsafe.Pointer, rows, wq, ow int, lo, hi float32) {
	lv, hv := archsimd.BroadcastFloat32x4(lo), archsimd.BroadcastFloat32x4(hi)
	whole := uintptr(ow &^ 3)
	for y := 0; y < rows; y++ {
		d, s := unsafe.Add(dst, 4*y*ow), unsafe.Add(out, 4*y*wq)
		var r unsafe.Pointer
		if residual != nil {
			r = unsafe.Add(residual, 4*y*ow)
		}
		q := uintptr(0)
		for ; q < whole; q += 4 {
			v := load4(s, q)
			if r != nil {
				v = v.Add(load4(r, q))
			}
			v.Max(lv).Min(hv).StoreArray((*[4]float32)(unsafe.Add(d, 4*q)))
		}
		for ; q < uintptr(ow); q++ {
			v := *(*float32)(unsafe.Add(s, 4*q))
			if r != nil {
				v += *(*float32)(unsafe.Add(r, 4*q))
			}
			*(*float32)(unsafe.Add(d, 4*q)) = min(max(v, lo), hi)
		}
	}
}

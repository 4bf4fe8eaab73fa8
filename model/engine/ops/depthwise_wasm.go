//go:build goexperiment.simd

package ops

import (
	"simd/archsimd"
	"unsafe"
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

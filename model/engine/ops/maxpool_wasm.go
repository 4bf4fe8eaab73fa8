//go:build goexperiment.simd

package ops

import (
	"simd/archsimd"
	"unsafe"
)

// maxPoolKernel: wasm always has SIMD128 under the experiment.
const maxPoolKernel = true

// maxPool2x2x8 is the row kernel of maxPool2x2 for wasm SIMD128, as
// maxpool_amd64.s is for AVX2: n ≥ 1; it reads 16n values of r0 and r1 and
// writes 8n of dst. The scalar row's compares mispredict on real images
// (9 % of a wasm inference went there). SIMD128 has no two-vector shuffle
// in archsimd, so the pairs are formed with a second, shifted load: the
// maximum of [m0 m1 m2 m3] and [m1 m2 m3 m4] holds the pairs (m0, m1) and
// (m2, m3) in lanes 0 and 2, and [m4 m5 m6 m7] against [m3 m4 m5 m6] holds
// (m4, m5) and (m6, m7) in lanes 1 and 3. No load leaves its group of 8.
//
//go:noinline
func maxPool2x2x8(dst, r0, r1 *float32, n int) {
	p0, p1, o := unsafe.Pointer(r0), unsafe.Pointer(r1), unsafe.Pointer(dst)
	for g := 0; g < 2*n; g++ {
		v0 := load4(p0, 0).Max(load4(p1, 0))
		u0 := load4(p0, 1).Max(load4(p1, 1))
		v1 := load4(p0, 4).Max(load4(p1, 4))
		u1 := load4(p0, 3).Max(load4(p1, 3))
		w0, w1 := v0.Max(u0), v1.Max(u1)
		out := (*[4]float32)(o)
		out[0], out[1], out[2], out[3] = w0.GetElem(0), w0.GetElem(2), w1.GetElem(1), w1.GetElem(3)
		p0, p1, o = unsafe.Add(p0, 32), unsafe.Add(p1, 32), unsafe.Add(o, 16)
	}
}

func load4(p unsafe.Pointer, i uintptr) archsimd.Float32x4 {
	return archsimd.LoadFloat32x4Array((*[4]float32)(unsafe.Add(p, 4*i)))
}

//go:build goexperiment.simd

package act

import (
	"simd/archsimd"
	"unsafe"
)

// sigmoidFastOK: sigmoidSIMD128 runs (Sigmoid and SiLU over whole slices).
const sigmoidFastOK = true

// sigmoidFast applies σ (x·σ when mulx) to the longest prefix of x it can,
// a multiple of 4 values, and returns its length.
func sigmoidFast(x []float32, mulx bool) int {
	n := len(x) &^ 3
	if n > 0 {
		sigmoidSIMD128(unsafe.Pointer(&x[0]), n, mulx)
	}
	return n
}

// sigmoidSIMD128 is sigmoidVec (expVec's polynomial, with a multiply and
// an add where expVec fuses them: SIMD128 has no fused multiply-add, and
// the portable MulAdd is the same two operations there) over n values in
// place, n a multiple of 4, in archsimd. It is a small function of its
// own on purpose: the Go wasm backend compiles a function into one
// dispatch loop over its blocks, and V8 keeps the loop's values in
// registers only when the function is this small (see gemm's kernel4x8).
// Through the portable package, vector by vector, SiLU took about 40 ns a
// value in Node; this takes about a tenth of that.
//
//go:noinline
func sigmoidSIMD128(p unsafe.Pointer, n int, mulx bool) {
	lo, hi := archsimd.BroadcastFloat32x4(-87), archsimd.BroadcastFloat32x4(88)
	magic := archsimd.BroadcastFloat32x4(12582912)
	log2e := archsimd.BroadcastFloat32x4(1.44269504088896341)
	ln2hi, ln2lo := archsimd.BroadcastFloat32x4(0.693359375), archsimd.BroadcastFloat32x4(-2.12194440e-4)
	c0, c1 := archsimd.BroadcastFloat32x4(1.9875691500e-4), archsimd.BroadcastFloat32x4(1.3981999507e-3)
	c2, c3 := archsimd.BroadcastFloat32x4(8.3334519073e-3), archsimd.BroadcastFloat32x4(4.1665795894e-2)
	c4, c5 := archsimd.BroadcastFloat32x4(1.6666665459e-1), archsimd.BroadcastFloat32x4(5.0000001201e-1)
	one := archsimd.BroadcastFloat32x4(1)
	bias := archsimd.BroadcastInt32x4(127)
	for off := uintptr(0); off < uintptr(n)*4; off += 16 {
		a := (*[4]float32)(unsafe.Add(p, off))
		v := archsimd.LoadFloat32x4Array(a)
		// e^-v, as expVec computes it.
		x := v.Neg().Max(lo).Min(hi)
		m := x.Mul(log2e).Add(magic).Sub(magic)
		r := x.Sub(m.Mul(ln2hi))
		r = r.Sub(m.Mul(ln2lo))
		q := c0.Mul(r).Add(c1)
		q = q.Mul(r).Add(c2)
		q = q.Mul(r).Add(c3)
		q = q.Mul(r).Add(c4)
		q = q.Mul(r).Add(c5)
		q = q.Mul(r.Mul(r)).Add(r).Add(one)
		e := m.ConvertToInt32().Add(bias).ShiftAllLeft(23).ToBits().BitsToFloat32()
		s := one.Div(one.Add(q.Mul(e)))
		if mulx {
			s = v.Mul(s)
		}
		s.StoreArray(a)
	}
}

//go:build goexperiment.simd

package act

import "simd"

// hardware is false where simd only emulates vectors; the scalar loop is
// faster there.
var hardware = !simd.Emulated()

// slice is Slice; a plain function because go1.27.3 cannot compile a
// method whose body uses simd vectors (an internal compiler error).
func slice(f Func, x []float32) {
	if !hardware {
		for i, v := range x {
			x[i] = f.Apply(v)
		}
		return
	}
	i := 0
	if sigmoidFastOK && (f == SiLU || f == Sigmoid) {
		i = sigmoidFast(x, f == SiLU)
	}
	L := simd.BroadcastFloat32s(0).Len()
	for ; i+L <= len(x); i += L {
		Vec(f, simd.LoadFloat32s(x[i:])).Store(x[i:])
	}
	if i < len(x) {
		v, _ := simd.LoadFloat32sPart(x[i:])
		Vec(f, v).StorePart(x[i:])
	}
}

// SliceFaster reports whether f.Slice over a row beats Vec vector by
// vector (an assembly kernel for the whole slice): a kernel's epilogue
// then stores its row first and applies f to it after.
func SliceFaster(f Func) bool { return sigmoidFastOK && (f == SiLU || f == Sigmoid) }

// Vec returns f applied to each lane of v. (A function, not a method:
// go1.27.3's compiler rejects a method of Func that takes a simd vector.)
func Vec(f Func, v simd.Float32s) simd.Float32s {
	switch f {
	case Relu:
		return v.Max(simd.Float32s{})
	case Sigmoid:
		return sigmoidVec(v)
	case SiLU:
		return v.Mul(sigmoidVec(v))
	case ReLU6:
		return v.Max(simd.Float32s{}).Min(simd.BroadcastFloat32s(6))
	case HardSwish:
		t := v.Add(simd.BroadcastFloat32s(3)).Max(simd.Float32s{}).Min(simd.BroadcastFloat32s(6))
		return v.Mul(t).Mul(simd.BroadcastFloat32s(1.0 / 6))
	}
	return v
}

// sigmoidVec is 1/(1+e^-x) with expVec.
func sigmoidVec(v simd.Float32s) simd.Float32s {
	one := simd.BroadcastFloat32s(1)
	return one.Div(one.Add(expVec(v.Neg())))
}

// expVec is e^x for x clamped to [-87, 88] (beyond, σ is 0 or 1 in
// float32 anyway): x = n·ln2 + r with n the nearest integer to x/ln2 and
// |r| <= ln2/2, e^r by a degree-6 polynomial (Cephes' expf coefficients),
// and 2^n written straight into the exponent bits.
func expVec(x simd.Float32s) simd.Float32s {
	x = x.Max(simd.BroadcastFloat32s(-87)).Min(simd.BroadcastFloat32s(88))
	// Rounding by adding and taking away 1.5·2^23: no float-to-int
	// rounding mode needed, exact for |x/ln2| < 2^22.
	magic := simd.BroadcastFloat32s(12582912)
	n := x.Mul(simd.BroadcastFloat32s(1.44269504088896341)).Add(magic).Sub(magic)
	r := x.Sub(n.Mul(simd.BroadcastFloat32s(0.693359375)))
	r = r.Sub(n.Mul(simd.BroadcastFloat32s(-2.12194440e-4)))
	p := simd.BroadcastFloat32s(1.9875691500e-4)
	p = p.MulAdd(r, simd.BroadcastFloat32s(1.3981999507e-3))
	p = p.MulAdd(r, simd.BroadcastFloat32s(8.3334519073e-3))
	p = p.MulAdd(r, simd.BroadcastFloat32s(4.1665795894e-2))
	p = p.MulAdd(r, simd.BroadcastFloat32s(1.6666665459e-1))
	p = p.MulAdd(r, simd.BroadcastFloat32s(5.0000001201e-1))
	r2 := r.Mul(r)
	p = p.MulAdd(r2, r).Add(simd.BroadcastFloat32s(1))
	e := n.ConvertToInt32().Add(simd.BroadcastInt32s(127)).ShiftAllLeft(23).ToBits().BitsToFloat32()
	return p.Mul(e)
}

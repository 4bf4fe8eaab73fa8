//go:build goexperiment.simd

package gemm

import (
	"simd/archsimd"

	"github.com/hiwl/hiwl/model/engine/act"
	"unsafe"
)

// archKernels: wasm always has SIMD128 under the experiment.
func archKernels() []*Kernel {
	return []*Kernel{{Name: "simd128-4x8", MR: 4, NR: 8, tiles: archTiles}}
}

// archTiles is simdTiles for wasm SIMD128: the same 4×8 tiles, with the k
// loop in kernel4x8 and the operands' bounds checked once per call instead
// of at every load. SIMD128 has no fused multiply-add, so each product is a
// Mul and an Add.
func archTiles(a Packed, b []float32, ldb, n int, c []float32, ldc int, ep Epilogue) {
	k := a.K
	if n%8 != 0 || (k-1)*ldb+n > len(b) || len(a.data) < ((a.M+4-1)/4)*4*k {
		panic("gemm: operands smaller than M×K, K×N")
	}
	stride := uintptr(ldb) * 4
	// (mul applies SiLU and sigmoid after all tiles, over whole rows.)
	// Whole blocks of four rows go through kernel4xN, a call per block
	// instead of one per 4×8 tile and four per its rows; the last, partial
	// block (M not a multiple of 4) takes kernel4x8 and store4.
	full := 0
	if ep.Act == act.None || ep.Act == act.Relu || ep.Act == act.ReLU6 {
		full = a.M &^ 3
	}
	if full > 0 && ((full-1)*ldc+n > len(c) || ep.Residual != nil && (full-1)*ldc+n > len(ep.Residual)) {
		panic("gemm: C or the residual smaller than M×N")
	}
	for i := 0; i < full; i += 4 {
		var bias [4]float32
		if ep.Bias != nil {
			copy(bias[:], ep.Bias[i:i+4])
		}
		var rp unsafe.Pointer
		if ep.Residual != nil {
			rp = unsafe.Pointer(&ep.Residual[i*ldc])
		}
		kernel4xN(k, unsafe.Pointer(&a.data[(i/4)*4*k]), unsafe.Pointer(&b[0]), stride, n,
			unsafe.Pointer(&c[i*ldc]), rp, uintptr(ldc)*4, &bias, ep.Act == act.Relu || ep.Act == act.ReLU6, ep.Act == act.ReLU6)
	}
	var acc [8]archsimd.Float32x4
	for j := 0; j < n && full < a.M; j += 8 {
		for i := full; i < a.M; i += 4 {
			kernel4x8(k, unsafe.Pointer(&a.data[(i/4)*4*k]), unsafe.Pointer(&b[j]), stride, &acc)
			for r := range min(4, a.M-i) {
				store4(c, (i+r)*ldc+j, i+r, acc[2*r], acc[2*r+1], &ep)
			}
		}
	}
}

// kernel4x8 is the k loop of one 4×8 tile, kept out of line on purpose.
// The Go wasm backend compiles each function into one dispatch loop over
// its blocks, so a loop back edge is a jump through that dispatch, and V8
// keeps the accumulators in registers only when the function is this small.
// Inlined into archTiles (as simdTiles is) the same loop ran at 8.4 GFLOP/s
// in Node; alone, 11.3, and unrolled by two k steps, 12.6.
//
// A's four values for a k step come in one vector load and are broadcast
// from its lanes, not loaded one by one: workerd runs wasm without V8's
// trap handler, so every load carries an explicit bounds check, and three
// fewer loads per k step took the 48×216×1024 product from 12.3 to 15.9
// GFLOP/s in Node with --wasm-enforce-bounds-checks (15.5 to 18.4 without).
// Unrolling by four k steps instead of two was slower.
//
//go:noinline
func kernel4x8(k int, ap, bp unsafe.Pointer, stride uintptr, acc *[8]archsimd.Float32x4) {
	var c00, c01, c10, c11, c20, c21, c30, c31 archsimd.Float32x4
	var ao, bo uintptr
	for ; k > 1; k -= 2 {
		b0 := archsimd.LoadFloat32x4Array((*[4]float32)(unsafe.Add(bp, bo)))
		b1 := archsimd.LoadFloat32x4Array((*[4]float32)(unsafe.Add(bp, bo+16)))
		av := archsimd.LoadFloat32x4Array((*[4]float32)(unsafe.Add(ap, ao)))
		a0 := archsimd.BroadcastFloat32x4(av.GetElem(0))
		c00 = c00.Add(a0.Mul(b0))
		c01 = c01.Add(a0.Mul(b1))
		a1 := archsimd.BroadcastFloat32x4(av.GetElem(1))
		c10 = c10.Add(a1.Mul(b0))
		c11 = c11.Add(a1.Mul(b1))
		a2 := archsimd.BroadcastFloat32x4(av.GetElem(2))
		c20 = c20.Add(a2.Mul(b0))
		c21 = c21.Add(a2.Mul(b1))
		a3 := archsimd.BroadcastFloat32x4(av.GetElem(3))
		c30 = c30.Add(a3.Mul(b0))
		c31 = c31.Add(a3.Mul(b1))
		bo += stride
		b0 = archsimd.LoadFloat32x4Array((*[4]float32)(unsafe.Add(bp, bo)))
		b1 = archsimd.LoadFloat32x4Array((*[4]float32)(unsafe.Add(bp, bo+16)))
		av = archsimd.LoadFloat32x4Array((*[4]float32)(unsafe.Add(ap, ao+16)))
		a0 = archsimd.BroadcastFloat32x4(av.GetElem(0))
		c00 = c00.Add(a0.Mul(b0))
		c01 = c01.Add(a0.Mul(b1))
		a1 = archsimd.BroadcastFloat32x4(av.GetElem(1))
		c10 = c10.Add(a1.Mul(b0))
		c11 = c11.Add(a1.Mul(b1))
		a2 = archsimd.BroadcastFloat32x4(av.GetElem(2))
		c20 = c20.Add(a2.Mul(b0))
		c21 = c21.Add(a2.Mul(b1))
		a3 = archsimd.BroadcastFloat32x4(av.GetElem(3))
		c30 = c30.Add(a3.Mul(b0))
		c31 = c31.Add(a3.Mul(b1))
		ao += 2 * 4 * 4
		bo += stride
	}
	// The odd last k step, if any.
	for ; k > 0; k-- {
		b0 := archsimd.LoadFloat32x4Array((*[4]float32)(unsafe.Add(bp, bo)))
		b1 := archsimd.LoadFloat32x4Array((*[4]float32)(unsafe.Add(bp, bo+16)))
		av := (*[4]float32)(unsafe.Add(ap, ao))
		a0 := archsimd.BroadcastFloat32x4(av[0])
		c00 = c00.Add(a0.Mul(b0))
		c01 = c01.Add(a0.Mul(b1))
		a1 := archsimd.BroadcastFloat32x4(av[1])
		c10 = c10.Add(a1.Mul(b0))
		c11 = c11.Add(a1.Mul(b1))
		a2 := archsimd.BroadcastFloat32x4(av[2])
		c20 = c20.Add(a2.Mul(b0))
		c21 = c21.Add(a2.Mul(b1))
		a3 := archsimd.BroadcastFloat32x4(av[3])
		c30 = c30.Add(a3.Mul(b0))
		c31 = c31.Add(a3.Mul(b1))
		ao += 4 * 4
		bo += stride
	}
	*acc = [8]archsimd.Float32x4{c00, c01, c10, c11, c20, c21, c30, c31}
}

// store4 is store for archsimd vectors (simd's conversion from them does
// not compile on wasm in go1.27.3). Activations other than ReLU and
// ReLU6 go through finishRows, from memory.
func store4(c []float32, at, row int, v0, v1 archsimd.Float32x4, ep *Epilogue) {
	if ep.Act != act.None && ep.Act != act.Relu && ep.Act != act.ReLU6 {
		var tmp [8]float32
		v0.Store(tmp[:4])
		v1.Store(tmp[4:])
		finishRows(c, at, 0, row, 1, 8, tmp[:], 8, ep)
		return
	}
	if ep.Bias != nil {
		bv := archsimd.BroadcastFloat32x4(ep.Bias[row])
		v0, v1 = v0.Add(bv), v1.Add(bv)
	}
	if ep.Residual != nil {
		r := ep.Residual[at : at+8]
		v0 = v0.Add(archsimd.LoadFloat32x4(r))
		v1 = v1.Add(archsimd.LoadFloat32x4(r[4:]))
	}
	if ep.Act == act.Relu || ep.Act == act.ReLU6 {
		var z archsimd.Float32x4
		v0, v1 = v0.Max(z), v1.Max(z)
	}
	if ep.Act == act.ReLU6 {
		six := archsimd.BroadcastFloat32x4(6)
		v0, v1 = v0.Min(six), v1.Min(six)
	}
	out := c[at : at+8]
	v0.Store(out)
	v1.Store(out[4:])
}

// kernel4xN computes four whole rows of C, n columns (a multiple of 8), in
// 4×8 tiles with kernel4x8's k loop, and stores each tile straight into C
// with the epilogue: bias, the residual (rp, laid out as C, or nil; each
// value is read before the same place in C is written, so it may alias
// C), ReLU and, with six, the cap at 6 (ReLU6). With a 1×1 convolution's small K (16-40) a tile's products
// are few, and a call for the tile plus one for each of its rows' stores
// cost more than they: this is one call for the four rows. Bounds are
// checked by the caller.
//
//go:noinline
func kernel4xN(k int, ap, bp unsafe.Pointer, stride uintptr, n int, cp, rp unsafe.Pointer, ldc uintptr, bias *[4]float32, relu, six bool) {
	var zero archsimd.Float32x4
	cap6 := archsimd.BroadcastFloat32x4(6)
	for j := uintptr(0); j < uintptr(n)*4; j += 32 {
		var c00, c01, c10, c11, c20, c21, c30, c31 archsimd.Float32x4
		bo, ao := j, uintptr(0)
		kk := k
		for ; kk > 1; kk -= 2 { // two k steps a turn, as kernel4x8
			b0 := archsimd.LoadFloat32x4Array((*[4]float32)(unsafe.Add(bp, bo)))
			b1 := archsimd.LoadFloat32x4Array((*[4]float32)(unsafe.Add(bp, bo+16)))
			av := archsimd.LoadFloat32x4Array((*[4]float32)(unsafe.Add(ap, ao)))
			a0 := archsimd.BroadcastFloat32x4(av.GetElem(0))
			c00 = c00.Add(a0.Mul(b0))
			c01 = c01.Add(a0.Mul(b1))
			a1 := archsimd.BroadcastFloat32x4(av.GetElem(1))
			c10 = c10.Add(a1.Mul(b0))
			c11 = c11.Add(a1.Mul(b1))
			a2 := archsimd.BroadcastFloat32x4(av.GetElem(2))
			c20 = c20.Add(a2.Mul(b0))
			c21 = c21.Add(a2.Mul(b1))
			a3 := archsimd.BroadcastFloat32x4(av.GetElem(3))
			c30 = c30.Add(a3.Mul(b0))
			c31 = c31.Add(a3.Mul(b1))
			bo += stride
			b0 = archsimd.LoadFloat32x4Array((*[4]float32)(unsafe.Add(bp, bo)))
			b1 = archsimd.LoadFloat32x4Array((*[4]float32)(unsafe.Add(bp, bo+16)))
			av = archsimd.LoadFloat32x4Array((*[4]float32)(unsafe.Add(ap, ao+16)))
			a0 = archsimd.BroadcastFloat32x4(av.GetElem(0))
			c00 = c00.Add(a0.Mul(b0))
			c01 = c01.Add(a0.Mul(b1))
			a1 = archsimd.BroadcastFloat32x4(av.GetElem(1))
			c10 = c10.Add(a1.Mul(b0))
			c11 = c11.Add(a1.Mul(b1))
			a2 = archsimd.BroadcastFloat32x4(av.GetElem(2))
			c20 = c20.Add(a2.Mul(b0))
			c21 = c21.Add(a2.Mul(b1))
			a3 = archsimd.BroadcastFloat32x4(av.GetElem(3))
			c30 = c30.Add(a3.Mul(b0))
			c31 = c31.Add(a3.Mul(b1))
			ao += 32
			bo += stride
		}
		for ; kk > 0; kk-- {
			b0 := archsimd.LoadFloat32x4Array((*[4]float32)(unsafe.Add(bp, bo)))
			b1 := archsimd.LoadFloat32x4Array((*[4]float32)(unsafe.Add(bp, bo+16)))
			av := archsimd.LoadFloat32x4Array((*[4]float32)(unsafe.Add(ap, ao)))
			a0 := archsimd.BroadcastFloat32x4(av.GetElem(0))
			c00 = c00.Add(a0.Mul(b0))
			c01 = c01.Add(a0.Mul(b1))
			a1 := archsimd.BroadcastFloat32x4(av.GetElem(1))
			c10 = c10.Add(a1.Mul(b0))
			c11 = c11.Add(a1.Mul(b1))
			a2 := archsimd.BroadcastFloat32x4(av.GetElem(2))
			c20 = c20.Add(a2.Mul(b0))
			c21 = c21.Add(a2.Mul(b1))
			a3 := archsimd.BroadcastFloat32x4(av.GetElem(3))
			c30 = c30.Add(a3.Mul(b0))
			c31 = c31.Add(a3.Mul(b1))
			ao += 16
			bo += stride
		}
		// The bias after the products, as store4 and the other kernels add
		// it, so that every kernel rounds the same way.
		bv := archsimd.BroadcastFloat32x4(bias[0])
		c00, c01 = c00.Add(bv), c01.Add(bv)
		bv = archsimd.BroadcastFloat32x4(bias[1])
		c10, c11 = c10.Add(bv), c11.Add(bv)
		bv = archsimd.BroadcastFloat32x4(bias[2])
		c20, c21 = c20.Add(bv), c21.Add(bv)
		bv = archsimd.BroadcastFloat32x4(bias[3])
		c30, c31 = c30.Add(bv), c31.Add(bv)
		if rp != nil {
			c00 = c00.Add(ld4(rp, j))
			c01 = c01.Add(ld4(rp, j+16))
			c10 = c10.Add(ld4(rp, ldc+j))
			c11 = c11.Add(ld4(rp, ldc+j+16))
			c20 = c20.Add(ld4(rp, 2*ldc+j))
			c21 = c21.Add(ld4(rp, 2*ldc+j+16))
			c30 = c30.Add(ld4(rp, 3*ldc+j))
			c31 = c31.Add(ld4(rp, 3*ldc+j+16))
		}
		if relu {
			c00, c01, c10, c11 = c00.Max(zero), c01.Max(zero), c10.Max(zero), c11.Max(zero)
			c20, c21, c30, c31 = c20.Max(zero), c21.Max(zero), c30.Max(zero), c31.Max(zero)
		}
		if six {
			c00, c01, c10, c11 = c00.Min(cap6), c01.Min(cap6), c10.Min(cap6), c11.Min(cap6)
			c20, c21, c30, c31 = c20.Min(cap6), c21.Min(cap6), c30.Min(cap6), c31.Min(cap6)
		}
		c00.StoreArray((*[4]float32)(unsafe.Add(cp, j)))
		c01.StoreArray((*[4]float32)(unsafe.Add(cp, j+16)))
		c10.StoreArray((*[4]float32)(unsafe.Add(cp, ldc+j)))
		c11.StoreArray((*[4]float32)(unsafe.Add(cp, ldc+j+16)))
		c20.StoreArray((*[4]float32)(unsafe.Add(cp, 2*ldc+j)))
		c21.StoreArray((*[4]float32)(unsafe.Add(cp, 2*ldc+j+16)))
		c30.StoreArray((*[4]float32)(unsafe.Add(cp, 3*ldc+j)))
		c31.StoreArray((*[4]float32)(unsafe.Add(cp, 3*ldc+j+16)))
	}
}

// ld4 loads four floats at byte offset off from p.
func ld4(p unsafe.Pointer, off uintptr) archsimd.Float32x4 {
	return archsimd.LoadFloat32x4Array((*[4]float32)(unsafe.Add(p, off)))
}

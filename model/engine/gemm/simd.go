//go:build goexperiment.simd

package gemm

import (
	"fmt"
	"simd"

	"github.com/hiwl/hiwl/model/engine/act"
)

// lanes is the float32 vector width of the portable simd package on this
// machine (16 with AVX-512, 8 with AVX2, 4 on wasm SIMD128 and Neon); its
// tile is 4 rows by two vectors.
var lanes = simd.VectorBitSize() / 32

// hardware is false where the simd package only emulates vectors in Go;
// the plain kernel is faster there.
var hardware = !simd.Emulated()

func portableKernels() []*Kernel {
	if !hardware {
		return nil
	}
	return []*Kernel{{Name: fmt.Sprintf("simd-4x%d", 2*lanes), MR: simdMR, NR: 2 * lanes, tiles: simdTiles}}
}

// simdMR is the portable kernel's panel height.
const simdMR = 4

// simdTiles is the register-blocked micro-kernel: 4 rows × 2 vectors of
// accumulators, one broadcast of A and two loads of B per k. Columns [0, n),
// n a multiple of 2·lanes.
func simdTiles(a Packed, b []float32, ldb, n int, c []float32, ldc int, ep Epilogue) {
	k := a.K
	L := lanes
	nr := 2 * L
	for j := 0; j < n; j += nr {
		for i := 0; i < a.M; i += simdMR {
			ap := a.data[(i/simdMR)*simdMR*k : (i/simdMR+1)*simdMR*k]
			var c00, c01, c10, c11, c20, c21, c30, c31 simd.Float32s
			bk := b[j:]
			// Two k steps per iteration halve the loop overhead and the
			// register shuffles the compiler adds at the back edge.
			for len(ap) >= 2*simdMR {
				b0 := simd.LoadFloat32s(bk)
				b1 := simd.LoadFloat32s(bk[L:])
				a0 := simd.BroadcastFloat32s(ap[0])
				c00 = a0.MulAdd(b0, c00)
				c01 = a0.MulAdd(b1, c01)
				a1 := simd.BroadcastFloat32s(ap[1])
				c10 = a1.MulAdd(b0, c10)
				c11 = a1.MulAdd(b1, c11)
				a2 := simd.BroadcastFloat32s(ap[2])
				c20 = a2.MulAdd(b0, c20)
				c21 = a2.MulAdd(b1, c21)
				a3 := simd.BroadcastFloat32s(ap[3])
				c30 = a3.MulAdd(b0, c30)
				c31 = a3.MulAdd(b1, c31)
				bk = bk[ldb:]
				b0 = simd.LoadFloat32s(bk)
				b1 = simd.LoadFloat32s(bk[L:])
				a0 = simd.BroadcastFloat32s(ap[4])
				c00 = a0.MulAdd(b0, c00)
				c01 = a0.MulAdd(b1, c01)
				a1 = simd.BroadcastFloat32s(ap[5])
				c10 = a1.MulAdd(b0, c10)
				c11 = a1.MulAdd(b1, c11)
				a2 = simd.BroadcastFloat32s(ap[6])
				c20 = a2.MulAdd(b0, c20)
				c21 = a2.MulAdd(b1, c21)
				a3 = simd.BroadcastFloat32s(ap[7])
				c30 = a3.MulAdd(b0, c30)
				c31 = a3.MulAdd(b1, c31)
				ap = ap[2*simdMR:]
				if len(ap) == 0 {
					break
				}
				bk = bk[ldb:]
			}
			if len(ap) == simdMR {
				b0 := simd.LoadFloat32s(bk)
				b1 := simd.LoadFloat32s(bk[L:])
				a0 := simd.BroadcastFloat32s(ap[0])
				c00 = a0.MulAdd(b0, c00)
				c01 = a0.MulAdd(b1, c01)
				a1 := simd.BroadcastFloat32s(ap[1])
				c10 = a1.MulAdd(b0, c10)
				c11 = a1.MulAdd(b1, c11)
				a2 := simd.BroadcastFloat32s(ap[2])
				c20 = a2.MulAdd(b0, c20)
				c21 = a2.MulAdd(b1, c21)
				a3 := simd.BroadcastFloat32s(ap[3])
				c30 = a3.MulAdd(b0, c30)
				c31 = a3.MulAdd(b1, c31)
			}
			rows := min(simdMR, a.M-i)
			store(c, (i+0)*ldc+j, i+0, c00, c01, L, &ep)
			if rows > 1 {
				store(c, (i+1)*ldc+j, i+1, c10, c11, L, &ep)
			}
			if rows > 2 {
				store(c, (i+2)*ldc+j, i+2, c20, c21, L, &ep)
			}
			if rows > 3 {
				store(c, (i+3)*ldc+j, i+3, c30, c31, L, &ep)
			}
		}
	}
}

// store writes two vectors of row `row` at c[at:], applying the epilogue.
func store(c []float32, at, row int, v0, v1 simd.Float32s, L int, ep *Epilogue) {
	if ep.Bias != nil {
		bv := simd.BroadcastFloat32s(ep.Bias[row])
		v0, v1 = v0.Add(bv), v1.Add(bv)
	}
	if ep.Residual != nil {
		r := ep.Residual[at : at+2*L]
		v0 = v0.Add(simd.LoadFloat32s(r))
		v1 = v1.Add(simd.LoadFloat32s(r[L:]))
	}
	if ep.Act != act.None {
		v0, v1 = act.Vec(ep.Act, v0), act.Vec(ep.Act, v1)
	}
	out := c[at : at+2*L]
	v0.Store(out)
	v1.Store(out[L:])
}

// finishRows stores rows rows of a tile that a kernel left in memory (row
// stride nr in acc), w columns each: row r goes to c[at+r·ldc:][:w], with
// the bias of row row+r and the residual at the same index. The kernels in
// assembly and archsimd share it, so every kernel applies the epilogue the
// same way (but for kernel8x32C, which keeps bias and ReLU in registers
// when there is no residual; TestKernelsEqualGeneric holds the two
// alike); it takes a whole tile per call, since with a small K (a 1×1
// convolution's 16-40 input channels) the epilogue is a large part of a
// tile's work.
func finishRows(c []float32, at, ldc, row, rows, w int, acc []float32, nr int, ep *Epilogue) {
	if !hardware {
		for r := range rows {
			for q, v := range acc[r*nr : r*nr+w] {
				o := at + r*ldc + q
				c[o] = ep.apply(v, row+r, o)
			}
		}
		return
	}
	L, f := lanes, ep.Act
	relu := f == act.Relu // inline: a call per vector for one Max is most of its cost
	var zero simd.Float32s
	for r := range rows {
		o := at + r*ldc
		dst, src := c[o:o+w], acc[r*nr:r*nr+w]
		var bias simd.Float32s
		if ep.Bias != nil {
			bias = simd.BroadcastFloat32s(ep.Bias[row+r])
		}
		var res []float32
		if ep.Residual != nil {
			res = ep.Residual[o : o+w]
		}
		q := 0
		for ; q+L <= w; q += L {
			v := simd.LoadFloat32s(src[q:]).Add(bias)
			if res != nil {
				v = v.Add(simd.LoadFloat32s(res[q:]))
			}
			if relu {
				v = v.Max(zero)
			} else if f != act.None {
				v = act.Vec(f, v)
			}
			v.Store(dst[q:])
		}
		if q < w {
			v, _ := simd.LoadFloat32sPart(src[q:])
			v = v.Add(bias)
			if res != nil {
				rv, _ := simd.LoadFloat32sPart(res[q:])
				v = v.Add(rv)
			}
			if f != act.None {
				v = act.Vec(f, v)
			}
			v.StorePart(dst[q:])
		}
	}
}

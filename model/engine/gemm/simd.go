//go:build goexperiment.simd

package gemm

import "simd"

// lanes is the float32 vector width of this machine (8 with AVX2, 4 on
// wasm SIMD128 and Neon); the SIMD tile is MR rows by two vectors.
var lanes = simd.VectorBitSize() / 32

// hardware is false where the simd package only emulates vectors in Go;
// the plain kernel is faster there.
var hardware = !simd.Emulated()

// SIMD reports whether Mul uses a hardware SIMD micro-kernel.
func SIMD() bool { return hardware }

func nr() int {
	if hardware {
		return 2 * lanes
	}
	return genericNR
}

func tiles(a *Packed, b []float32, ldb, n int, c []float32, ldc int, ep Epilogue) {
	if !hardware {
		genericTiles(a, b, ldb, n, c, ldc, ep)
		return
	}
	if archKernel {
		archTiles(a, b, ldb, n, c, ldc, ep)
		return
	}
	simdTiles(a, b, ldb, n, c, ldc, ep)
}

// simdTiles is the register-blocked micro-kernel: 4 rows × 2 vectors of
// accumulators, one broadcast of A and two loads of B per k. Columns [0, n),
// n a multiple of 2·lanes.
func simdTiles(a *Packed, b []float32, ldb, n int, c []float32, ldc int, ep Epilogue) {
	k := a.K
	L := lanes
	nr := 2 * L
	for j := 0; j < n; j += nr {
		for i := 0; i < a.M; i += MR {
			ap := a.data[(i/MR)*MR*k : (i/MR+1)*MR*k]
			var c00, c01, c10, c11, c20, c21, c30, c31 simd.Float32s
			bk := b[j:]
			// Two k steps per iteration halve the loop overhead and the
			// register shuffles the compiler adds at the back edge.
			for len(ap) >= 2*MR {
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
				ap = ap[2*MR:]
				if len(ap) == 0 {
					break
				}
				bk = bk[ldb:]
			}
			if len(ap) == MR {
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
			rows := min(MR, a.M-i)
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
	if ep.Relu {
		var z simd.Float32s
		v0, v1 = v0.Max(z), v1.Max(z)
	}
	out := c[at : at+2*L]
	v0.Store(out)
	v1.Store(out[L:])
}

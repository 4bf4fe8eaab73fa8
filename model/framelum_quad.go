//go:build goexperiment.simd && (wasm || amd64)

package model

import (
	"image"
	"simd/archsimd"
)

// approxLumQuadFast is approxLumQuadRow four outputs at a time in 128-bit
// integer vectors (wasm's SIMD128, AVX natively: quadLanes and lanes32,
// framelum_quad_wasm.go and framelum_quad_amd64.go), for the grid where output dx reads Y columns ya+2dx and
// ya+2dx+1 and chroma column ca+dx (regularQuad): the same integer
// arithmetic lane by lane, so the same values (TestApproxLumMatchesXImage
// runs as js/wasm in make test-wasm). The framing grid of a Galaxy Zoo
// cutout decoded for 64 px takes 0.49-0.51x the time in wasm and 0.39x
// natively (the two paths alternated 40 times in one process; Node, and
// natively, on the 2-core Intel Xeon with AVX-512). It returns how
// many outputs it wrote, a multiple of 4 (0 where quadLanes is false);
// approxLumQuadRow does the rest.
func approxLumQuadFast(lum []float64, src *image.YCbCr, ya, ca, y0, y1, c int) int {
	if !quadLanes {
		return 0
	}
	clearUpper()
	n := len(lum)
	k := archsimd.BroadcastInt32x4(0x10101)
	kr, kgb, kgr, kb := archsimd.BroadcastInt32x4(91881), archsimd.BroadcastInt32x4(-22554), archsimd.BroadcastInt32x4(46802), archsimd.BroadcastInt32x4(116130)
	half := archsimd.BroadcastInt32x4(128)
	var zero archsimd.Int32x4
	top := archsimd.BroadcastInt32x4(0xffff)
	evens, odds, firsts := archsimd.LoadInt8x16Array(&lumEvens), archsimd.LoadInt8x16Array(&lumOdds), archsimd.LoadInt8x16Array(&lumFirsts)
	dx := 0
	for ; dx+4 <= n; dx += 4 {
		i0, i1, ic := y0+ya+2*dx, y1+ya+2*dx, c+ca+dx
		if i0 < 0 || i1 < 0 || ic < 0 || i0+16 > len(src.Y) || i1+16 > len(src.Y) || ic+16 > len(src.Cb) || ic+16 > len(src.Cr) {
			break // the last columns of the planes: 16-byte loads would pass their end
		}
		row0, row1 := bytes16(src.Y[i0:]), bytes16(src.Y[i1:])
		cb := lanes32(bytes16(src.Cb[ic:]), firsts).Sub(half)
		cr := lanes32(bytes16(src.Cr[ic:]), firsts).Sub(half)
		tr, tg, tb := cr.Mul(kr), cb.Mul(kgb).Sub(cr.Mul(kgr)), cb.Mul(kb)
		var r, g, b archsimd.Int32x4
		for _, y := range [4]archsimd.Int32x4{lanes32(row0, evens), lanes32(row0, odds), lanes32(row1, evens), lanes32(row1, odds)} {
			yy := y.Mul(k)
			r = r.Add(yy.Add(tr).ShiftAllRight(8).Max(zero).Min(top))
			g = g.Add(yy.Add(tg).ShiftAllRight(8).Max(zero).Min(top))
			b = b.Add(yy.Add(tb).ShiftAllRight(8).Max(zero).Min(top))
		}
		s := r.ShiftAllRight(10).Add(g.ShiftAllRight(10)).Add(b.ShiftAllRight(10))
		lum[dx] = float64(s.GetElem(0))
		lum[dx+1] = float64(s.GetElem(1))
		lum[dx+2] = float64(s.GetElem(2))
		lum[dx+3] = float64(s.GetElem(3))
	}
	return dx
}

// The byte indices of a byte shuffle (lanes32) that widen four bytes into
// 32-bit lanes: a row's even or odd bytes (0-7), or its first four;
// -1 gives the zero bytes above each.
var (
	lumEvens  = [16]int8{0, -1, -1, -1, 2, -1, -1, -1, 4, -1, -1, -1, 6, -1, -1, -1}
	lumOdds   = [16]int8{1, -1, -1, -1, 3, -1, -1, -1, 5, -1, -1, -1, 7, -1, -1, -1}
	lumFirsts = [16]int8{0, -1, -1, -1, 1, -1, -1, -1, 2, -1, -1, -1, 3, -1, -1, -1}
)

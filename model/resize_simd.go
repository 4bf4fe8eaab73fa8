//go:build goexperiment.simd && wasm

package model

import (
	"image"
	"simd/archsimd"
)

// In wasm the horizontal pass takes two source rows at a time, which
// share their taps and weights: row holds, for each source column, the
// pairs (r, r'), (g, g'), (b, b') of the two rows, which f64x2 sums as
// the scalar code would each (wasm has no fused multiply-add, so a
// vector multiply then add rounds as the scalar ones do).
const (
	rowsPerPass   = 2
	pixelStride   = 6
	channelStride = 2
)

// horizontalPass is x/image's scaleX: each source row of sr, converted
// into row, to a row of tmp (r, g and b planes of len(d.sources)). An
// odd last row goes with a stale partner, into the row of tmp past sr's.
func horizontalPass(tmp, row []float64, src *image.YCbCr, sr image.Rectangle, d *bilinearDistrib) {
	sw, sh, n := sr.Dx(), sr.Dy(), 3*len(d.sources)
	for y := 0; y < sh; y += 2 {
		ycbcrRow(row, src, sr.Min.X, sr.Min.Y+y, sw)
		if y+1 < sh {
			ycbcrRow(row[1:], src, sr.Min.X, sr.Min.Y+y+1, sw)
		}
		horizontalPair(tmp[y*n:y*n+n], tmp[y*n+n:y*n+2*n], row, d)
	}
}

// horizontalPair is x/image's scaleX for two source rows at once.
//
//go:noinline
func horizontalPair(t0, t1, px []float64, d *bilinearDistrib) {
	dw := len(d.sources)
	t0, t1 = t0[:3*dw], t1[:3*dw]
	for x, s := range d.sources {
		pr := archsimd.BroadcastFloat64x2(0)
		pg, pb := pr, pr
		for _, c := range d.contribs[s.i:s.j] {
			p := (*[6]float64)(px[6*int(c.coord):])
			w := archsimd.BroadcastFloat64x2(c.weight)
			pr = pr.Add(archsimd.LoadFloat64x2Array((*[2]float64)(p[0:2])).Mul(w))
			pg = pg.Add(archsimd.LoadFloat64x2Array((*[2]float64)(p[2:4])).Mul(w))
			pb = pb.Add(archsimd.LoadFloat64x2Array((*[2]float64)(p[4:6])).Mul(w))
		}
		inv := archsimd.BroadcastFloat64x2(s.invTotalWeightFFFF)
		pr, pg, pb = pr.Mul(inv), pg.Mul(inv), pb.Mul(inv)
		t0[x], t1[x] = pr.GetElem(0), pr.GetElem(1)
		t0[dw+x], t1[dw+x] = pg.GetElem(0), pg.GetElem(1)
		t0[2*dw+x], t1[2*dw+x] = pb.GetElem(0), pb.GetElem(1)
	}
}

// addScaled is one vertical tap over a destination row: acc += t*w, two
// columns at a time.
//
//go:noinline
func addScaled(acc, t []float64, w float64) {
	t = t[:len(acc)]
	w2 := archsimd.BroadcastFloat64x2(w)
	x := 0
	for ; x+2 <= len(acc); x += 2 {
		a := (*[2]float64)(acc[x : x+2])
		archsimd.LoadFloat64x2Array(a).Add(archsimd.LoadFloat64x2Array((*[2]float64)(t[x : x+2])).Mul(w2)).StoreArray(a)
	}
	for ; x < len(acc); x++ {
		acc[x] += float64(t[x] * w)
	}
}

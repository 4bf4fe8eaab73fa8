//go:build !goexperiment.simd || !wasm

package model

import "image"

// Without wasm's SIMD the horizontal pass takes one source row at a
// time, its pixels' r, g and b side by side.
const (
	rowsPerPass   = 1
	pixelStride   = 3
	channelStride = 1
)

// horizontalPass is x/image's scaleX: each source row of sr, converted
// into row, to a row of tmp (r, g and b planes of len(d.sources)).
func horizontalPass(tmp, row []float64, src *image.YCbCr, sr image.Rectangle, d *bilinearDistrib) {
	sw, n := sr.Dx(), 3*len(d.sources)
	for y := range sr.Dy() {
		ycbcrRow(row, src, sr.Min.X, sr.Min.Y+y, sw)
		horizontalRow(tmp[y*n:y*n+n], row, d)
	}
}

// horizontalRow is x/image's scaleX for one source row.
//
//go:noinline
func horizontalRow(t, px []float64, d *bilinearDistrib) {
	dw := len(d.sources)
	t = t[:3*dw]
	for x, s := range d.sources {
		var pr, pg, pb float64
		for _, c := range d.contribs[s.i:s.j] {
			p := (*[3]float64)(px[3*int(c.coord):])
			pr += float64(p[0] * c.weight)
			pg += float64(p[1] * c.weight)
			pb += float64(p[2] * c.weight)
		}
		t[x] = pr * s.invTotalWeightFFFF
		t[dw+x] = pg * s.invTotalWeightFFFF
		t[2*dw+x] = pb * s.invTotalWeightFFFF
	}
}

// addScaled is one vertical tap over a destination row: acc += t*w.
//
//go:noinline
func addScaled(acc, t []float64, w float64) {
	t = t[:len(acc)]
	for x := range acc {
		acc[x] += float64(t[x] * w)
	}
}

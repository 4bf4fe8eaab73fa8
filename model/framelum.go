package model

import "image"

// approxLumYCbCr is galaxyRadius's measurement image for a YCbCr source:
// lum[i] = R+G+B of pixel i of draw.ApproxBiLinear.Scale(an n x n RGBA,
// src, sr, draw.Src), bit for bit (TestApproxLumMatchesXImage). x/image
// recomputes each column's source coordinates and fractions at every pixel
// and converts four source pixels per output; here the columns are worked
// out once. It reports false for a subsampling it does not cover or sr
// outside src.
func approxLumYCbCr(lum []float64, n int, src *image.YCbCr, sr image.Rectangle) bool {
	if !fastSubsampling(src.SubsampleRatio) || n <= 0 || sr.Empty() || !sr.In(src.Bounds()) || len(lum) < n*n {
		return false
	}
	// Offsets of one source column (x) or row (y) in the Y and chroma
	// planes: image.YCbCr's own offsets, taken apart so that a pixel's is
	// a row's plus a column's.
	o := src.Rect.Min
	colY := func(x int) int { return src.YOffset(x, o.Y) }
	colC := func(x int) int { return src.COffset(x, o.Y) }
	rowY := func(y int) int { return src.YOffset(o.X, y) }
	rowC := func(y int) int { return src.COffset(o.X, y) }
	// x/image's ablInterpolator, for one axis: the same expressions.
	taps := func(dn, sn, start int, yOff, cOff func(int) int) []ablTap {
		scale := float64(sn) / float64(dn)
		last := int32(sn - 1)
		t := make([]ablTap, dn)
		for d := range t {
			s := float64((float64(d)+0.5)*scale) - 0.5
			s0 := int32(s)
			frac0 := s - float64(s0)
			frac1 := 1 - frac0
			s1 := s0 + 1
			if s < 0 {
				s0, s1 = 0, 0
				frac0, frac1 = 0, 1
			} else if s1 > last {
				s0, s1 = last, last
				frac0, frac1 = 1, 0
			}
			a, b := start+int(s0), start+int(s1)
			t[d] = ablTap{yOff(a), cOff(a), yOff(b), cOff(b), frac0, frac1}
		}
		return t
	}
	cols := taps(n, sr.Dx(), sr.Min.X, colY, colC)
	rows := taps(n, sr.Dy(), sr.Min.Y, rowY, rowC)
	half := sr.Dx() == 2*n && sr.Dy() == 2*n
	// In 4:2:0 with the source at an even offset, each 2×2 group of an
	// exactly-twice source lies on one chroma sample.
	sharedCols := half
	for _, c := range cols {
		sharedCols = sharedCols && c.c0 == c.c1
	}
	// The exactly-twice columns of a 4:2:0 source are regular: output dx
	// reads Y columns 2dx and 2dx+1 and chroma column dx from the first.
	regular := sharedCols
	for dx, c := range cols {
		regular = regular && c.y0 == cols[0].y0+2*dx && c.y1 == c.y0+1 && c.c0 == cols[0].c0+dx
	}
	for dy, r := range rows {
		if sharedCols && r.c0 == r.c1 {
			row, done := lum[dy*n:(dy+1)*n], 0
			if regular {
				done = approxLumQuadFast(row, src, cols[0].y0, cols[0].c0, r.y0, r.y1, r.c0)
			}
			approxLumQuadRow(row[done:], src, cols[done:], r.y0, r.y1, r.c0)
			continue
		}
		if half {
			approxLumHalfRow(lum[dy*n:(dy+1)*n], src, cols, r.y0, r.c0, r.y1, r.c1)
			continue
		}
		approxLumRow(lum[dy*n:(dy+1)*n], src, cols, r.y0, r.c0, r.y1, r.c1, r.f0, r.f1)
	}
	return true
}

// approxLumHalfRow is approxLumRow for a source exactly twice the output
// on both axes (a Galaxy Zoo cutout as model.DecodeFor gives it, 212
// pixels, on the 106-cell grid): every output then sits halfway between
// two source columns and two rows, all four weights are 1/2, and the
// float64 arithmetic is exact: each channel is floor(sum of the four
// 16-bit samples / 4) >> 8, in integers (TestApproxLumMatchesXImage).
// measure was 28 % of a cutout's native preprocessing after DecodeFor;
// this made it about 0.6x, natively and in wasm (BenchmarkMeasureFrame,
// the two builds alternated).
//
//go:noinline
func approxLumHalfRow(lum []float64, src *image.YCbCr, cols []ablTap, y0, c0, y1, c1 int) {
	px := func(yi, ci int) (int, int, int) {
		tr, tg, tb := chromaTerms(src.Cb[ci], src.Cr[ci])
		yy := int(src.Y[yi]) * 0x10101
		return clamp16((yy + tr) >> 8), clamp16((yy + tg) >> 8), clamp16((yy + tb) >> 8)
	}
	for dx, c := range cols {
		r0, g0, b0 := px(y0+c.y0, c0+c.c0)
		r1, g1, b1 := px(y0+c.y1, c0+c.c1)
		r2, g2, b2 := px(y1+c.y0, c1+c.c0)
		r3, g3, b3 := px(y1+c.y1, c1+c.c1)
		lum[dx] = float64((r0+r1+r2+r3)>>10 + (g0+g1+g2+g3)>>10 + (b0+b1+b2+b3)>>10)
	}
}

// approxLumQuadRow is approxLumHalfRow where the four source pixels of
// every output share one chroma sample (rows y0 and y1 on chroma row c):
// the chroma terms are worked out once per output instead of four times,
// and the arithmetic per pixel is the same, so the result is too.
//
//go:noinline
func approxLumQuadRow(lum []float64, src *image.YCbCr, cols []ablTap, y0, y1, c int) {
	for dx, t := range cols {
		tr, tg, tb := chromaTerms(src.Cb[c+t.c0], src.Cr[c+t.c0])
		y00, y01 := int(src.Y[y0+t.y0])*0x10101, int(src.Y[y0+t.y1])*0x10101
		y10, y11 := int(src.Y[y1+t.y0])*0x10101, int(src.Y[y1+t.y1])*0x10101
		r := clamp16((y00+tr)>>8) + clamp16((y01+tr)>>8) + clamp16((y10+tr)>>8) + clamp16((y11+tr)>>8)
		g := clamp16((y00+tg)>>8) + clamp16((y01+tg)>>8) + clamp16((y10+tg)>>8) + clamp16((y11+tg)>>8)
		b := clamp16((y00+tb)>>8) + clamp16((y01+tb)>>8) + clamp16((y10+tb)>>8) + clamp16((y11+tb)>>8)
		lum[dx] = float64(r>>10 + g>>10 + b>>10)
	}
}

// ablTap is one output column (or row) of approxLumYCbCr: the offsets of
// its two source columns in the Y and chroma planes, and their weights.
type ablTap struct {
	y0, c0, y1, c1 int
	f0, f1         float64 // weight of the second, of the first
}

// approxLumRow is one output row of approxLumYCbCr: rows (y0, c0) and
// (y1, c1) of the source, weighted f1 and f0.
//
//go:noinline
func approxLumRow(lum []float64, src *image.YCbCr, cols []ablTap, y0, c0, y1, c1 int, yFrac0, yFrac1 float64) {
	px := func(yi, ci int) (float64, float64, float64) {
		return ycbcrToRGB16(src.Y[yi], src.Cb[ci], src.Cr[ci])
	}
	for dx, c := range cols {
		xFrac0, xFrac1 := c.f0, c.f1
		s00r, s00g, s00b := px(y0+c.y0, c0+c.c0)
		s10r, s10g, s10b := px(y0+c.y1, c0+c.c1)
		s10r = float64(xFrac1*s00r) + float64(xFrac0*s10r)
		s10g = float64(xFrac1*s00g) + float64(xFrac0*s10g)
		s10b = float64(xFrac1*s00b) + float64(xFrac0*s10b)
		s01r, s01g, s01b := px(y1+c.y0, c1+c.c0)
		s11r, s11g, s11b := px(y1+c.y1, c1+c.c1)
		s11r = float64(xFrac1*s01r) + float64(xFrac0*s11r)
		s11g = float64(xFrac1*s01g) + float64(xFrac0*s11g)
		s11b = float64(xFrac1*s01b) + float64(xFrac0*s11b)
		s11r = float64(yFrac1*s10r) + float64(yFrac0*s11r)
		s11g = float64(yFrac1*s10g) + float64(yFrac0*s11g)
		s11b = float64(yFrac1*s10b) + float64(yFrac0*s11b)
		lum[dx] = float64(uint8(uint32(s11r)>>8)) + float64(uint8(uint32(s11g)>>8)) + float64(uint8(uint32(s11b)>>8))
	}
}

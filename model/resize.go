package model

import (
	"image"
	"math"
	"sync"
)

// bilinearYCbCr is draw.BiLinear.Scale(dst, dst.Bounds(), src, sr,
// draw.Src, nil) for a YCbCr source (every JPEG), bit for bit: the same
// weights, the same float64 sums in the same order, the same rounding.
// TestResizeMatchesXImage holds it to x/image/draw on every subsampling
// and odd crop.
//
// It exists for speed alone. x/image/draw converts a source pixel from
// YCbCr to RGB once per kernel tap, and a 3x shrink has about 6.5 taps per
// output column, so the 240-pixel crop of a Challenge image was converted
// 125,000 times; here each row is converted once (57,600 pixels) and the
// taps read float64s; in wasm two source rows go through the taps at once
// as f64x2 (resize_simd.go). The vertical pass runs row by row so that its
// inner loop walks memory in order. BenchmarkResize, against x/image/draw
// in the same run: 1.7x as fast natively, 1.7-3.2x in Node with explicit
// bounds checks (1 December; the f64x2 pairs took a third off the wasm
// time, measured against the scalar code alternately in one process).
//
// It reports false, leaving dst untouched, for what it does not cover
// (a subsampling other than 4:4:4, 4:2:2, 4:2:0, 4:4:0, or sr outside src):
// the caller then uses x/image/draw.
func bilinearYCbCr(dst *image.RGBA, src *image.YCbCr, sr image.Rectangle) bool {
	if !fastSubsampling(src.SubsampleRatio) {
		return false
	}
	dr := dst.Bounds()
	dw, dh, sw, sh := dr.Dx(), dr.Dy(), sr.Dx(), sr.Dy()
	if dw <= 0 || dh <= 0 || sw <= 0 || sh <= 0 || !sr.In(src.Bounds()) {
		return false
	}
	horizontal := newBilinearDistrib(dw, sw)
	vertical := newBilinearDistrib(dh, sh)

	buf := resizeBufs.Get().(*resizeBuf)
	defer resizeBufs.Put(buf)
	// tmp holds x/image's tmp without its constant alpha, a source row
	// to a row of three planes (r, g, b) of dw, so that one vertical tap
	// is one pass over 3*dw float64s.
	n := 3 * dw
	tmp := grow(&buf.tmp, n*(sh+rowsPerPass-1))
	horizontalPass(tmp, grow(&buf.row, rowsPerPass*pixelStride*sw), src, sr, &horizontal)

	acc := grow(&buf.acc, n)
	for dy, s := range vertical.sources {
		taps := vertical.contribs[s.i:s.j]
		sumTaps(acc, tmp, taps)
		var pa float64 // x/image's alpha: the same sum of weights for every column
		for _, c := range taps {
			pa += float64(1 * c.weight)
		}
		o := dst.PixOffset(dr.Min.X, dr.Min.Y+dy)
		storeRow(dst.Pix[o:o+4*dw], acc[:dw], acc[dw:2*dw], acc[2*dw:], pa, s.invTotalWeight)
	}
	return true
}

// The loops below are functions of their own because the Go wasm backend
// compiles a function into one dispatch loop over its blocks, and V8
// keeps a loop's values in registers only in a small one: inlined into
// bilinearYCbCr they ran at half the speed. horizontalPass and addScaled
// are in resize_simd.go (wasm) and resize_scalar.go (everything else).

// sumTaps is a destination row's vertical taps: acc = the sum of tmp's
// rows c.coord (of len(acc)) times c.weight, in taps' order from 0,
// as x/image adds them.
func sumTaps(acc, tmp []float64, taps []bilinearContrib) {
	clear(acc)
	n := len(acc)
	for _, c := range taps {
		t := int(c.coord) * n
		addScaled(acc, tmp[t:t+n], c.weight)
	}
}

// storeRow is the end of x/image's scaleY_RGBA_Src for one destination
// row: clamp to alpha, scale, round to 16 bits, keep the high byte.
//
//go:noinline
func storeRow(pix []byte, ar, ag, ab []float64, pa, inv float64) {
	a := uint8(ftou(pa*inv) >> 8)
	pix = pix[:4*len(ar)]
	ag, ab = ag[:len(ar)], ab[:len(ar)]
	for x := range ar {
		pr, pg, pb := ar[x], ag[x], ab[x]
		// plain comparisons: the builtin min on floats is a runtime call in wasm
		if pr > pa {
			pr = pa
		}
		if pg > pa {
			pg = pa
		}
		if pb > pa {
			pb = pa
		}
		p := pix[4*x : 4*x+4]
		p[0] = uint8(ftou(pr*inv) >> 8)
		p[1] = uint8(ftou(pg*inv) >> 8)
		p[2] = uint8(ftou(pb*inv) >> 8)
		p[3] = a
	}
}

// ycbcrRow converts the sw pixels of one source row, starting at (x0, y),
// as image/color's YCbCr.RGBA does (x/image/draw inlines the same lines):
// 16-bit values, kept as float64s, which they convert to exactly. Pixel x
// goes to px[pixelStride*x:], its r, g and b channelStride apart.
func ycbcrRow(px []float64, src *image.YCbCr, x0, y, sw int) {
	yi, ci := src.YOffset(x0, y), src.COffset(x0, y)
	ys := src.Y[yi : yi+sw]
	ratio := src.SubsampleRatio
	switch {
	case (ratio == image.YCbCrSubsampleRatio422 || ratio == image.YCbCrSubsampleRatio420) && x0 >= 0:
		convertHalf(px, ys, src.Cb[ci:], src.Cr[ci:], x0&1)
	case ratio == image.YCbCrSubsampleRatio422 || ratio == image.YCbCrSubsampleRatio420:
		convertHalfNegative(px, ys, src.Cb[ci:], src.Cr[ci:], x0)
	default:
		convertFull(px, ys, src.Cb[ci:ci+sw], src.Cr[ci:ci+sw])
	}
}

//go:noinline
func convertFull(px []float64, ys, cbs, crs []uint8) {
	cbs, crs = cbs[:len(ys)], crs[:len(ys)]
	for x := range ys {
		cr, cg, cb := chromaTerms(cbs[x], crs[x])
		putRGB16(px[pixelStride*x:], ys[x], cr, cg, cb)
	}
}

// convertHalf is convertFull with horizontally halved chroma, cbs and crs
// starting at the first column's, for a row starting at a column x0 >= 0
// of parity odd (x0&1). Two columns share a chroma sample, so its terms
// (the multiplications) are computed once per pair; a row starting at an
// odd column starts with the right one of a pair, alone. A pair is
// written inline rather than by putRGB16 twice, which was 1.10x slower
// in wasm.
//
//go:noinline
func convertHalf(px []float64, ys, cbs, crs []uint8, odd int) {
	x := 0
	if odd == 1 && len(ys) > 0 {
		cr, cg, cb := chromaTerms(cbs[0], crs[0])
		putRGB16(px, ys[0], cr, cg, cb)
		x, cbs, crs = 1, cbs[1:], crs[1:]
	}
	pairs := (len(ys) - x) / 2
	cbs, crs = cbs[:(len(ys)-x+1)/2], crs[:(len(ys)-x+1)/2]
	for j := range pairs {
		cr, cg, cb := chromaTerms(cbs[j], crs[j])
		y := (*[2]uint8)(ys[x+2*j:])
		p := (*[pixelStride + 2*channelStride + 1]float64)(px[pixelStride*(x+2*j):])
		y0, y1 := int(y[0])*0x10101, int(y[1])*0x10101
		p[0] = float64(clamp16((y0 + cr) >> 8))
		p[channelStride] = float64(clamp16((y0 + cg) >> 8))
		p[2*channelStride] = float64(clamp16((y0 + cb) >> 8))
		p[pixelStride] = float64(clamp16((y1 + cr) >> 8))
		p[pixelStride+channelStride] = float64(clamp16((y1 + cg) >> 8))
		p[pixelStride+2*channelStride] = float64(clamp16((y1 + cb) >> 8))
	}
	if x += 2 * pairs; x < len(ys) {
		cr, cg, cb := chromaTerms(cbs[pairs], crs[pairs])
		putRGB16(px[pixelStride*x:], ys[x], cr, cg, cb)
	}
}

// convertHalfNegative is convertHalf for a row starting left of column 0,
// where Go's division, as image.YCbCr.COffset writes it, gives three
// columns one chroma sample: source column x0+x reads chroma
// (x0+x)/2 - x0/2 on from cbs and crs.
//
//go:noinline
func convertHalfNegative(px []float64, ys, cbs, crs []uint8, x0 int) {
	for x := range ys {
		j := (x0+x)/2 - x0/2
		cr, cg, cb := chromaTerms(cbs[j], crs[j])
		putRGB16(px[pixelStride*x:], ys[x], cr, cg, cb)
	}
}

// chromaTerms are the chroma parts of image/color's YCbCr to RGB, in
// its 16.16 fixed point.
func chromaTerms(cb, cr uint8) (r, g, b int) {
	cbi := int(cb) - 128
	cri := int(cr) - 128
	return 91881 * cri, -22554*cbi - 46802*cri, 116130 * cbi
}

func putRGB16(p []float64, y uint8, cr, cg, cb int) {
	p = p[:2*channelStride+1]
	yy := int(y) * 0x10101
	p[0] = float64(clamp16((yy + cr) >> 8))
	p[channelStride] = float64(clamp16((yy + cg) >> 8))
	p[2*channelStride] = float64(clamp16((yy + cb) >> 8))
}

func ycbcrToRGB16(y, cb, cr uint8) (r, g, b float64) {
	tr, tg, tb := chromaTerms(cb, cr)
	yy := int(y) * 0x10101
	return float64(clamp16((yy + tr) >> 8)), float64(clamp16((yy + tg) >> 8)), float64(clamp16((yy + tb) >> 8))
}

// fastSubsampling reports whether the YCbCr fast paths cover r: the
// subsamplings x/image/draw has fast paths for, whose arithmetic they copy.
func fastSubsampling(r image.YCbCrSubsampleRatio) bool {
	switch r {
	case image.YCbCrSubsampleRatio444, image.YCbCrSubsampleRatio422,
		image.YCbCrSubsampleRatio420, image.YCbCrSubsampleRatio440:
		return true
	}
	return false
}

func clamp16(v int) int { return max(0, min(0xffff, v)) }

// ftou is x/image/draw's conversion of [0, 1] to 16 bits.
func ftou(f float64) uint16 {
	i := int32(float64(0xffff*f) + 0.5)
	if i > 0xffff {
		return 0xffff
	}
	if i > 0 {
		return uint16(i)
	}
	return 0
}

// bilinearDistrib is x/image/draw's distrib for its BiLinear kernel: for
// each destination column (or row), the source columns it reads and their
// weights.
type bilinearDistrib struct {
	sources  []bilinearSource
	contribs []bilinearContrib
}

type bilinearSource struct {
	i, j                               int32
	invTotalWeight, invTotalWeightFFFF float64
}

type bilinearContrib struct {
	coord  int32
	weight float64
}

// newBilinearDistrib is x/image/draw's newDistrib with the tent kernel
// (support 1, weight 1-t), written the same way, explicit conversions
// included, so that the same compiler gives the same weights.
func newBilinearDistrib(dw, sw int) bilinearDistrib {
	scale := float64(sw) / float64(dw)
	halfWidth, kernelArgScale := 1.0, 1.0
	if scale > 1 {
		halfWidth *= scale
		kernelArgScale = 1 / scale
	}
	type span struct {
		i, j   int32
		center float64
	}
	spans := make([]span, dw)
	n := int32(0)
	for x := range spans {
		center := float64((float64(x)+0.5)*scale) - 0.5
		i := max(0, int32(math.Floor(center-halfWidth)))
		j := int32(math.Ceil(center + halfWidth))
		if j > int32(sw) {
			j = max(int32(sw), i)
		}
		spans[x] = span{i, j, center}
		n += j - i
	}
	d := bilinearDistrib{sources: make([]bilinearSource, dw), contribs: make([]bilinearContrib, 0, n)}
	for k, b := range spans {
		totalWeight := 0.0
		l := int32(len(d.contribs))
		for coord := b.i; coord < b.j; coord++ {
			t := math.Abs((b.center - float64(coord)) * kernelArgScale)
			if t >= 1 {
				continue
			}
			weight := 1 - t
			if weight == 0 {
				continue
			}
			totalWeight += weight
			d.contribs = append(d.contribs, bilinearContrib{coord, weight})
		}
		totalWeight = 1 / totalWeight
		d.sources[k] = bilinearSource{i: l, j: int32(len(d.contribs)), invTotalWeight: totalWeight, invTotalWeightFFFF: totalWeight / 0xffff}
	}
	return d
}

// resizeBuf holds one resize's scratch, pooled: 460 kB for a 240-pixel
// crop to 80, which every classification would otherwise allocate (and a
// wasm heap then collects, single-threaded).
type resizeBuf struct{ row, tmp, acc []float64 }

var resizeBufs = sync.Pool{New: func() any { return new(resizeBuf) }}

func grow(s *[]float64, n int) []float64 {
	if cap(*s) < n {
		*s = make([]float64, n)
	}
	*s = (*s)[:n]
	return *s
}

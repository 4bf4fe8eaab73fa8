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
// taps read float64s. The vertical pass runs row by row so that its inner
// loop walks memory in order. BenchmarkResize: about 2x x/image/draw
// natively and 1.8x in wasm, where this step took 15 % of a classification.
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
	row := grow(&buf.row, 3*sw)
	rr, rg, rb := row[:sw], row[sw:2*sw], row[2*sw:]
	tmp := grow(&buf.tmp, 3*dw*sh) // three planes of dw x sh, like x/image's tmp without its constant alpha

	plane := dw * sh
	for y := 0; y < sh; y++ {
		ycbcrRow(rr, rg, rb, src, sr.Min.X, sr.Min.Y+y)
		t := y * dw
		horizontalRow(tmp[t:t+dw], tmp[plane+t:plane+t+dw], tmp[2*plane+t:2*plane+t+dw], rr, rg, rb, &horizontal)
	}

	acc := grow(&buf.acc, 3*dw)
	ar, ag, ab := acc[:dw], acc[dw:2*dw], acc[2*dw:]
	for dy, s := range vertical.sources {
		clear(acc)
		var pa float64 // x/image's alpha: the same sum of weights for every column
		for _, c := range vertical.contribs[s.i:s.j] {
			t := int(c.coord) * dw
			addScaled(ar, tmp[t:t+dw], c.weight)
			addScaled(ag, tmp[plane+t:plane+t+dw], c.weight)
			addScaled(ab, tmp[2*plane+t:2*plane+t+dw], c.weight)
			pa += float64(1 * c.weight)
		}
		o := dst.PixOffset(dr.Min.X, dr.Min.Y+dy)
		storeRow(dst.Pix[o:o+4*dw], ar, ag, ab, pa, s.invTotalWeight)
	}
	return true
}

// The three loops below are functions of their own because the Go wasm
// backend compiles a function into one dispatch loop over its blocks, and
// V8 keeps a loop's values in registers only in a small one: inlined into
// bilinearYCbCr they ran at half the speed.

// horizontalRow is x/image's scaleX for one source row (r, g, b).
//
//go:noinline
func horizontalRow(tr, tg, tb, r, g, b []float64, d *bilinearDistrib) {
	for x, s := range d.sources {
		var pr, pg, pb float64
		for _, c := range d.contribs[s.i:s.j] {
			pr += float64(r[c.coord] * c.weight)
			pg += float64(g[c.coord] * c.weight)
			pb += float64(b[c.coord] * c.weight)
		}
		tr[x] = pr * s.invTotalWeightFFFF
		tg[x] = pg * s.invTotalWeightFFFF
		tb[x] = pb * s.invTotalWeightFFFF
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
		pix[4*x+0] = uint8(ftou(pr*inv) >> 8)
		pix[4*x+1] = uint8(ftou(pg*inv) >> 8)
		pix[4*x+2] = uint8(ftou(pb*inv) >> 8)
		pix[4*x+3] = a
	}
}

// ycbcrRow converts the sw pixels of one source row, starting at (x0, y),
// as image/color's YCbCr.RGBA does (x/image/draw inlines the same lines):
// 16-bit values, kept as float64s, which they convert to exactly.
func ycbcrRow(r, g, b []float64, src *image.YCbCr, x0, y int) {
	yi, ci := src.YOffset(x0, y), src.COffset(x0, y)
	ys := src.Y[yi : yi+len(r)]
	if ratio := src.SubsampleRatio; ratio == image.YCbCrSubsampleRatio422 || ratio == image.YCbCrSubsampleRatio420 {
		convertHalf(r, g, b, ys, src.Cb[ci:], src.Cr[ci:], x0)
	} else {
		convertFull(r, g, b, ys, src.Cb[ci:ci+len(r)], src.Cr[ci:ci+len(r)])
	}
}

//go:noinline
func convertFull(r, g, b []float64, ys, cbs, crs []uint8) {
	g, b, ys, cbs, crs = g[:len(r)], b[:len(r)], ys[:len(r)], cbs[:len(r)], crs[:len(r)]
	for x := range r {
		r[x], g[x], b[x] = ycbcrToRGB16(ys[x], cbs[x], crs[x])
	}
}

// convertHalf is convertFull with horizontally halved chroma, cbs and crs
// starting at column x0's: source column x0+x reads chroma (x0+x)/2 - x0/2
// on from there (Go's division, as image.YCbCr.COffset writes it).
//
//go:noinline
func convertHalf(r, g, b []float64, ys, cbs, crs []uint8, x0 int) {
	g, b, ys = g[:len(r)], b[:len(r)], ys[:len(r)]
	for x := range r {
		j := (x0+x)/2 - x0/2
		r[x], g[x], b[x] = ycbcrToRGB16(ys[x], cbs[j], crs[j])
	}
}

func ycbcrToRGB16(y, cb, cr uint8) (r, g, b float64) {
	yy := int(y) * 0x10101
	cbi := int(cb) - 128
	cri := int(cr) - 128
	return float64(clamp16((yy + 91881*cri) >> 8)),
		float64(clamp16((yy - 22554*cbi - 46802*cri) >> 8)),
		float64(clamp16((yy + 116130*cbi) >> 8))
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

package jpeg

import (
	"image"
	"io"
)

// DCT scaling, as libjpeg's scale_num/scale_denom: a block's s x s output
// (s = 8/denominator) is the inverse DCT of its s x s lowest frequencies,
// sampled at the centres of the 8/s x 8/s pixel groups of the full-size
// block. For 8/s = 2: the full-size reconstruction at x = 2i + 1/2 is
// Σ_u C(u)/2 F(u) cos((2x+1)uπ/16) = Σ_u C(u)/2 F(u) cos((2i+1)uπ/8), the
// 4-point inverse DCT for u < 4; the frequencies from 4 up, which a 4-pixel
// row cannot carry, are dropped (the low-pass a downscale needs anyway).
// The pixel-domain work (inverse DCT, level shift, storing, and everything
// a caller does per pixel afterwards) shrinks by the denominator squared;
// entropy decoding, which reads every coefficient, does not.

// scaledK[s][i][u] is C(u)/2 cos((2i+1)uπ/2s) in 13-bit fixed point, for
// output side s and C(0) = 1/√2 (TestScaledKernels holds the literals to
// math.Cos): the s-point inverse DCT with the 8-point transform's
// normalisation, so that a DC coefficient F0 gives F0/8, as idct does.
var scaledK = [5][4][4]int32{
	1: {{2896}},
	2: {{2896, 2896}, {2896, -2896}},
	4: {
		{2896, 3784, 2896, 1567},
		{2896, 1567, -2896, -3784},
		{2896, -1567, -2896, 3784},
		{2896, -3784, 2896, -1567},
	},
}

const (
	scaledConstBits = 13
	scaledPass1Bits = 2 // precision kept between the two passes
)

// idctScaled replaces b's first s*s values with the s x s inverse DCT
// (row-major, before the level shift) of its dequantized coefficients
// (natural order), for s = 4, 2 or 1. A block whose only coefficient in
// that corner is the DC one (hasAC false, or AC terms all outside it) gives
// the same flat value by either path.
func idctScaled(b *block, s int, hasAC bool) {
	if !hasAC {
		v := scaledDC(b[0], s)
		for i := range s * s {
			b[i] = v
		}
		return
	}
	if s == 4 {
		idct4x4(b)
		return
	}
	idctTable(b, s)
}

// idctTable is idctScaled's general path, by the scaledK table.
func idctTable(b *block, s int) {
	k := &scaledK[s]
	// Pass 1, along each of the s lowest coefficient rows: tmp[v][x].
	var tmp [4][4]int32
	for v := range s {
		row := b[8*v : 8*v+s]
		for x := range s {
			var sum int32
			for u, c := range row {
				sum += c * k[x][u]
			}
			tmp[v][x] = descale(sum, scaledConstBits-scaledPass1Bits)
		}
	}
	// Pass 2, down each column.
	for y := range s {
		for x := range s {
			var sum int32
			for v := range s {
				sum += tmp[v][x] * k[y][v]
			}
			b[y*s+x] = descale(sum, scaledConstBits+scaledPass1Bits)
		}
	}
}

// idct4x4 is idctScaled for s = 4, with the 4-point transform split into
// its even and odd halves (6 multiplications instead of 16; the same
// integer sums, so the same output: TestIDCT4x4): the half-size decode
// of a Galaxy Zoo image spent more in the table-driven loops than the
// full-size idct took.
func idct4x4(b *block) {
	const (
		c0 = 2896 // C(0)/2 = cos(π/4)/2
		c1 = 3784 // cos(π/8)/2
		c3 = 1567 // cos(3π/8)/2
	)
	var tmp [16]int32
	for v := 0; v < 4; v++ {
		f := (*[4]int32)(b[8*v : 8*v+4])
		if f[1] == 0 && f[2] == 0 && f[3] == 0 {
			dc := descale(f[0]*c0, scaledConstBits-scaledPass1Bits)
			tmp[4*v], tmp[4*v+1], tmp[4*v+2], tmp[4*v+3] = dc, dc, dc, dc
			continue
		}
		e0, e1 := (f[0]+f[2])*c0, (f[0]-f[2])*c0
		o0, o1 := f[1]*c1+f[3]*c3, f[1]*c3-f[3]*c1
		tmp[4*v] = descale(e0+o0, scaledConstBits-scaledPass1Bits)
		tmp[4*v+1] = descale(e1+o1, scaledConstBits-scaledPass1Bits)
		tmp[4*v+2] = descale(e1-o1, scaledConstBits-scaledPass1Bits)
		tmp[4*v+3] = descale(e0-o0, scaledConstBits-scaledPass1Bits)
	}
	for x := 0; x < 4; x++ {
		f0, f1, f2, f3 := tmp[x], tmp[4+x], tmp[8+x], tmp[12+x]
		e0, e1 := (f0+f2)*c0, (f0-f2)*c0
		o0, o1 := f1*c1+f3*c3, f1*c3-f3*c1
		b[x] = descale(e0+o0, scaledConstBits+scaledPass1Bits)
		b[4+x] = descale(e1+o1, scaledConstBits+scaledPass1Bits)
		b[8+x] = descale(e1-o1, scaledConstBits+scaledPass1Bits)
		b[12+x] = descale(e0-o0, scaledConstBits+scaledPass1Bits)
	}
}

// scaledDC is the value of every output of an s×s block whose only
// coefficient is dc.
func scaledDC(dc int32, s int) int32 {
	k := scaledK[s][0][0]
	return descale(descale(dc*k, scaledConstBits-scaledPass1Bits)*k, scaledConstBits+scaledPass1Bits)
}

// descale divides by 2^n, rounding half up.
func descale(x int32, n uint) int32 { return (x + 1<<(n-1)) >> n }

// storeScaled writes the s x s block b (idctScaled's output) level shifted
// and clipped to dst, whose rows are stride apart.
func storeScaled(dst []byte, stride int, b *block, s int) {
	if s == 4 {
		for y := 0; y < 4; y++ {
			row := (*[4]byte)(dst[y*stride : y*stride+4])
			src := (*[4]int32)(b[4*y : 4*y+4])
			row[0], row[1], row[2], row[3] = clip(src[0]), clip(src[1]), clip(src[2]), clip(src[3])
		}
		return
	}
	for y := range s {
		row := dst[y*stride : y*stride+s]
		src := b[y*s : y*s+s]
		for x, v := range src {
			row[x] = clip(v)
		}
	}
}

// DecodeScaled decodes a JPEG image at 1/denominator of its size in each
// direction (denominator 1, 2, 4 or 8; the size rounded up, as libjpeg's),
// through a reduced inverse DCT. Denominator 1 is Decode. Four-component
// images are refused, as by Decode. Images whose chroma sampling
// image/jpeg handles in its "flex" mode (factors no YCbCrSubsampleRatio
// names; rare) come back at full size: the bounds say which.
func DecodeScaled(r io.Reader, denominator int) (image.Image, error) {
	var d decoder
	switch denominator {
	case 1, 2, 4, 8:
		d.blockSide = 8 / denominator
	default:
		return nil, UnsupportedError("scale denominator other than 1, 2, 4 or 8")
	}
	return d.decode(r, false)
}

// scaled returns the size n pixels become at the decoder's scale.
func (d *decoder) scaled(n int) int { return (n*d.blockSide + 7) / 8 }

package ops

import "github.com/hiwl/hiwl/model/engine/act"

// Conv2D is the geometry of a 2-D convolution on one image and one group.
type Conv2D struct {
	C, H, W          int // input channels (of the group), height, width
	KH, KW           int
	StrideH, StrideW int
	DilH, DilW       int
	PadT, PadL       int // leading pads; trailing ones only shape OH, OW
	OH, OW           int
}

// K is the length of one im2col column: C·KH·KW.
func (g *Conv2D) K() int { return g.C * g.KH * g.KW }

// Pointwise reports whether the convolution is a 1×1, stride-1, unpadded
// one, whose im2col matrix is the input itself.
func (g *Conv2D) Pointwise() bool {
	return g.KH == 1 && g.KW == 1 && g.StrideH == 1 && g.StrideW == 1 && g.PadT == 0 && g.PadL == 0 && g.OH == g.H && g.OW == g.W
}

// Im2Col writes the K×(OH·OW) matrix whose column (oy,ox) holds the input
// patch under output position (oy,ox), row (c,ky,kx); padding reads zero.
func Im2Col(dst, src []float32, g *Conv2D) {
	n := g.OH * g.OW
	row := 0
	for c := 0; c < g.C; c++ {
		plane := src[c*g.H*g.W : (c+1)*g.H*g.W]
		for ky := 0; ky < g.KH; ky++ {
			for kx := 0; kx < g.KW; kx++ {
				out := dst[row*n : (row+1)*n]
				row++
				if g.StrideH == 1 && g.StrideW == 1 && g.OW == g.W {
					im2colShifted(out, plane, g, ky, kx)
				} else {
					im2colRows(out, plane, g, ky, kx)
				}
			}
		}
	}
}

// im2colRows writes one im2col row, (ky, kx) of one input plane, output
// row by output row.
func im2colRows(out, plane []float32, g *Conv2D, ky, kx int) {
	dx := kx*g.DilW - g.PadL
	// ox range whose ix = ox*stride + dx lies in [0, W).
	lo, hi := validRange(dx, g.StrideW, g.W, g.OW)
	for oy := 0; oy < g.OH; oy++ {
		o := out[oy*g.OW : (oy+1)*g.OW]
		iy := oy*g.StrideH + ky*g.DilH - g.PadT
		if iy < 0 || iy >= g.H || lo >= hi {
			clear(o)
			continue
		}
		in := plane[iy*g.W : (iy+1)*g.W]
		clear(o[:lo])
		switch g.StrideW {
		case 1:
			copy(o[lo:hi], in[lo+dx:hi+dx])
		case 2:
			// A stride-2 stem's every other value: four at a time where
			// there are vector gathers (wasm: the stem's im2col 0.76x,
			// the two paths alternated 40 times in one process).
			d, s := o[lo:hi], in[lo*2+dx:]
			k := gatherEvens(d, s)
			gather(d[k:], s[2*k:], 2)
		default:
			gather(o[lo:hi], in[lo*g.StrideW+dx:], g.StrideW)
		}
		clear(o[hi:])
	}
}

// im2colShifted is im2colRows for stride 1 with output rows as wide as the
// input's (the "same" 3×3 convolutions of the backbone). Then the whole
// row is the plane shifted by a constant offset, (ky·DilH−PadT)·W + dx:
// one copy of every valid output row at once, after which only the
// columns that wrapped round from the neighbouring row (at most the pad
// width at each end) are zeroed. Row by row, the copy and clear calls were
// most of im2col's cost at these 10-80 pixel widths, in wasm especially.
func im2colShifted(out, plane []float32, g *Conv2D, ky, kx int) {
	w := g.W
	dx := kx*g.DilW - g.PadL
	lo, hi := validRange(dx, 1, w, w)
	// output rows whose input row oy + ky·DilH − PadT lies in [0, H)
	dy := ky*g.DilH - g.PadT
	oy0, oy1 := validRange(dy, 1, g.H, g.OH)
	if lo >= hi || oy0 >= oy1 {
		clear(out)
		return
	}
	d0, d1 := oy0*w+lo, (oy1-1)*w+hi
	s0 := d0 + dy*w + dx
	clear(out[:d0])
	copy(out[d0:d1], plane[s0:s0+d1-d0])
	clear(out[d1:])
	// lo and w-hi are the pads, 0-2 values: plain stores, not clear calls
	for i := d0 - lo; i < d1; i += w {
		for x := range lo {
			out[i+x] = 0
		}
		for x := hi; x < w; x++ {
			out[i+x] = 0
		}
	}
}

// validRange returns the outputs o in [lo, hi) with 0 <= o*s+d < size.
func validRange(d, s, size, outs int) (lo, hi int) {
	lo = 0
	if d < 0 {
		lo = (-d + s - 1) / s
	}
	// largest o with o*s + d <= size-1
	last := size - 1 - d
	if last < 0 {
		return 0, 0
	}
	hi = min(last/s+1, outs)
	if lo > hi {
		lo = hi
	}
	return lo, hi
}

// Depthwise computes a convolution whose groups each see one input
// channel: out[m] = bias[m] + Σ w[m,ky,kx]·in[m/mult] over the window, for
// an input of channels planes and an output of channels·mult planes.
func Depthwise(dst, src, w, bias []float32, g *Conv2D, channels, mult int) {
	plane := g.OH * g.OW
	for m := 0; m < channels*mult; m++ {
		in := src[(m/mult)*g.H*g.W : (m/mult+1)*g.H*g.W]
		out := dst[m*plane : (m+1)*plane]
		wm := w[m*g.KH*g.KW : (m+1)*g.KH*g.KW]
		var b float32
		if bias != nil {
			b = bias[m]
		}
		for i := range out {
			out[i] = b
		}
		for ky := 0; ky < g.KH; ky++ {
			for kx := 0; kx < g.KW; kx++ {
				wv := wm[ky*g.KW+kx]
				dx := kx*g.DilW - g.PadL
				lo, hi := validRange(dx, g.StrideW, g.W, g.OW)
				for oy := 0; oy < g.OH; oy++ {
					iy := oy*g.StrideH + ky*g.DilH - g.PadT
					if iy < 0 || iy >= g.H {
						continue
					}
					row := in[iy*g.W : (iy+1)*g.W]
					o := out[oy*g.OW : (oy+1)*g.OW]
					for ox := lo; ox < hi; ox++ {
						o[ox] += wv * row[ox*g.StrideW+dx]
					}
				}
			}
		}
	}
}

// AddAct adds residual (when non-nil) to x and applies f: the epilogue of
// kernels that are not a GEMM.
func AddAct(x, residual []float32, f act.Func) {
	if residual != nil {
		for i := range x {
			x[i] += residual[i]
		}
	}
	f.Slice(x)
}

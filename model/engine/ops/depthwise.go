package ops

import "github.com/hiwl/hiwl/model/engine/act"

// DepthwisePlan is a depthwise convolution (one input channel per group,
// dilation 1, the same stride s across and down) laid out for a direct
// kernel that needs neither im2col nor a test per pixel for the padding.
//
// Each input plane is scattered, with its zero padding, into s² phase
// planes: Q[a·s+b][r·Wq+c] holds padded input (r·s+a, c·s+b). In phase
// coordinates every tap (ky, kx) of the window is the same phase plane
// shifted by a constant, (ky/s)·Wq + kx/s, so an output plane computed Wq
// wide is, for each tap, one contiguous multiply-add over OH·Wq values:
// long vectors at every stride, whatever the plane's width. The Wq−OW
// extra columns are dropped when the rows are copied out.
type DepthwisePlan struct {
	g        Conv2D
	s        int
	hq, wq   int
	plane    int   // floats per phase plane, with slack for whole vectors
	span     int   // OH·Wq rounded up to whole vectors: values computed
	offs     []int // per tap (ky, kx): its phase plane's start + shift
	rows     []int // per input row: where its padded row starts in the phases
	cols     []int // per input column: its offset from the row's start
	channels int
	mult     int
}

// NewDepthwisePlan plans g (g.C == 1) for an input of channels planes
// and an output of channels·mult, or returns nil when g is not a case it
// runs (a dilation, or different strides across and down).
func NewDepthwisePlan(g *Conv2D, channels, mult int) *DepthwisePlan {
	if g.C != 1 || g.DilH != 1 || g.DilW != 1 || g.StrideH != g.StrideW {
		return nil
	}
	s := g.StrideH
	hp := max((g.OH-1)*s+g.KH, g.H+g.PadT)
	wp := max((g.OW-1)*s+g.KW, g.W+g.PadL)
	p := &DepthwisePlan{g: *g, s: s, hq: (hp + s - 1) / s, wq: (wp + s - 1) / s, channels: channels, mult: mult}
	// out's rows are read a vector at a time past their OW valid values.
	p.wq = max(p.wq, g.OW)
	L := 4 * vectorLen
	p.span = (g.OH*p.wq + L - 1) / L * L
	p.plane = max(p.hq*p.wq, p.span+((g.KH-1)/s)*p.wq+(g.KW-1)/s)
	for ky := 0; ky < g.KH; ky++ {
		for kx := 0; kx < g.KW; kx++ {
			phase := (ky%s)*s + kx%s
			p.offs = append(p.offs, phase*p.plane+(ky/s)*p.wq+kx/s)
		}
	}
	for iy := 0; iy < g.H; iy++ {
		py := iy + g.PadT
		p.rows = append(p.rows, (py%s)*s*p.plane+(py/s)*p.wq)
	}
	for ix := 0; ix < g.W; ix++ {
		px := ix + g.PadL
		p.cols = append(p.cols, (px%s)*p.plane+px/s)
	}
	return p
}

// Scratch is the number of floats Run needs as scratch.
func (p *DepthwisePlan) Scratch() int { return p.s*p.s*p.plane + p.span + vectorLen }

// Run computes the convolution of one image: dst[m] = f(bias[m] +
// Σ w[m,ky,kx]·src[m/mult] over the window + residual[m]), residual and
// bias optional. When pool is not nil, pool[m] is set to the mean of
// dst[m] (a squeeze-excitation's GlobalAveragePool), summed while the
// plane is in cache.
func (p *DepthwisePlan) Run(dst, src, w, bias, residual []float32, f act.Func, pool, scratch []float32) {
	g := &p.g
	s, wq := p.s, p.wq
	phases := scratch[:s*s*p.plane]
	// out: the computed span, then a vector of slack that the last row's
	// loads may reach.
	out := scratch[s*s*p.plane : s*s*p.plane+p.span+vectorLen]
	// Padding and slack stay zero: every channel writes the same cells.
	clear(phases)
	taps := g.KH * g.KW
	plane := g.OH * g.OW
	for ci := 0; ci < p.channels; ci++ {
		in := src[ci*g.H*g.W : (ci+1)*g.H*g.W]
		p.scatter(phases, in)
		for j := 0; j < p.mult; j++ {
			m := ci*p.mult + j
			var b float32
			if bias != nil {
				b = bias[m]
			}
			depthwiseTaps(out[:p.span], phases, p.offs, w[m*taps:(m+1)*taps], b)
			var res []float32
			if residual != nil {
				res = residual[m*plane : (m+1)*plane]
			}
			o := dst[m*plane : (m+1)*plane]
			depthwiseStore(o, out, res, wq, g.OW, f)
			if pool != nil {
				pool[m] = Sum(o) / float32(plane)
			}
		}
	}
}

// scatter writes the input plane into the phase planes at its padded
// position, through the offsets computed once by the plan.
func (p *DepthwisePlan) scatter(phases, in []float32) {
	w := p.g.W
	for iy, base := range p.rows {
		row := in[iy*w : (iy+1)*w]
		if p.s == 1 {
			copy(phases[base+p.g.PadL:], row)
			continue
		}
		dst := phases[base:]
		for ix, off := range p.cols {
			dst[off] = row[ix]
		}
	}
}

// depthwiseTapsGo is depthwiseTaps in plain Go, tap by tap over the row.
func depthwiseTapsGo(out, phases []float32, offs []int, w []float32, b float32) {
	for i := range out {
		out[i] = b
	}
	for t, off := range offs {
		wt := w[t]
		src := phases[off : off+len(out)]
		for i, v := range src {
			out[i] += wt * v
		}
	}
}

// depthwiseStoreGo is depthwiseStore in plain Go.
func depthwiseStoreGo(dst, out, residual []float32, wq, ow int, f act.Func) {
	for oy := 0; oy < len(dst)/ow; oy++ {
		d := dst[oy*ow : (oy+1)*ow]
		copy(d, out[oy*wq:oy*wq+ow])
		var r []float32
		if residual != nil {
			r = residual[oy*ow : (oy+1)*ow]
		}
		AddAct(d, r, f)
	}
}

func sumGo(x []float32) float32 {
	var s float32
	for _, v := range x {
		s += v
	}
	return s
}

package ops

import (
	"math"
	"unsafe"

	"github.com/hiwl/hiwl/model/engine/act"
)

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
	cols     []phaseCols
	channels int
	mult     int
	// rows3: a 3×3 convolution padded by one that the row kernels compute
	// from the input rows where there are some (wasm; amd64 with AVX2 at
	// stride 2, where rowsFit says so), for the activations
	// that are a clamp and without a residual: at stride 1 "same" over rows
	// of a multiple of 4 values, at least 8 (depthwise3x3Rows); at stride 2
	// over even sides with output rows of a multiple of 4 values
	// (depthwise3x3s2Rows).
	rows3 bool
}

// phaseCols are the input columns that go to one column phase b: every
// s-th from first, n of them, stored from off in their row of the phase
// plane (plus the row's start).
type phaseCols struct{ first, n, off int }

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
	p.rows3 = g.KH == 3 && g.KW == 3 && g.PadT == 1 && g.PadL == 1 &&
		(s == 1 && g.OH == g.H && g.OW == g.W && g.W >= 8 && g.W%4 == 0 ||
			s == 2 && g.H%2 == 0 && g.W%2 == 0 && g.OH == g.H/2 && g.OW == g.W/2 && g.OW >= 4 && g.OW%4 == 0)
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
	for b := range s {
		first := ((b-g.PadL)%s + s) % s // the first column with (ix+PadL) mod s == b
		if first < g.W {
			p.cols = append(p.cols, phaseCols{first: first, n: (g.W - first + s - 1) / s, off: b*p.plane + (first+g.PadL)/s})
		}
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
	if lo, hi, ok := clampRange(f); ok && directRows3 && p.rows3 && residual == nil && rowsFit(p.s, g.W, g.OW) {
		p.runRows3(dst, src, w, bias, lo, hi, pool, scratch)
		return
	}
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

// runRows3 is Run through depthwise3x3Rows or depthwise3x3s2Rows: no
// phase planes, and the clamp done as each output vector is computed; a
// pooling sums each plane just written, while it is in cache.
func (p *DepthwisePlan) runRows3(dst, src, w, bias []float32, lo, hi float32, pool, scratch []float32) {
	g := &p.g
	zero := scratch[:g.W+8]
	clear(zero)
	plane, outPlane := g.H*g.W, g.OH*g.OW
	for ci := 0; ci < p.channels; ci++ {
		in := src[ci*plane : (ci+1)*plane]
		for j := 0; j < p.mult; j++ {
			m := ci*p.mult + j
			var b float32
			if bias != nil {
				b = bias[m]
			}
			out := dst[m*outPlane : (m+1)*outPlane]
			if p.s == 2 {
				depthwise3x3s2Rows(out, in, g.W, w[m*9:(m+1)*9], b, lo, hi, zero)
			} else {
				depthwise3x3Rows(out, in, w[m*9:(m+1)*9], b, lo, hi, zero)
			}
			if pool != nil {
				pool[m] = Sum(out) / float32(outPlane)
			}
		}
	}
}

// clampRange gives the bounds of the activations that are a clamp (none,
// ReLU, ReLU6); ok is false for any other f.
func clampRange(f act.Func) (lo, hi float32, ok bool) {
	switch f {
	case act.None:
		return float32(math.Inf(-1)), float32(math.Inf(1)), true
	case act.Relu:
		return 0, float32(math.Inf(1)), true
	case act.ReLU6:
		return 0, 6, true
	}
	return 0, 0, false
}

// scatter writes the input plane into the phase planes at its padded
// position. With stride s, the input columns ix ≡ b−PadL (mod s) go to
// column phase b, one after another: s plain strided copies per row. (An
// offset table per column, read for every value, made this scatter about
// 70 % of a stride-2 layer's time in wasm, more than its arithmetic.)
func (p *DepthwisePlan) scatter(phases, in []float32) {
	w := p.g.W
	for iy, base := range p.rows {
		row := in[iy*w : (iy+1)*w]
		if p.s == 1 {
			copy(phases[base+p.g.PadL:], row)
			continue
		}
		if p.s == 2 && len(p.cols) == 2 {
			even, odd := p.cols[0], p.cols[1]
			if even.first != 0 {
				even, odd = odd, even
			}
			deinterleave(phases[base+even.off:][:even.n], phases[base+odd.off:][:odd.n], row)
			continue
		}
		for _, c := range p.cols {
			gather(phases[base+c.off:][:c.n], row[c.first:], p.s)
		}
	}
}

// gather sets dst[k] = src[k·s] for every k of dst. It is a function of
// its own, and small, for the Go wasm backend, which compiles a function
// into one dispatch loop over its blocks: inside scatter's loops this copy
// took about 5 ns a value in Node.
//
//go:noinline
func gather(dst, src []float32, s int) {
	if len(dst) == 0 {
		return
	}
	_ = src[(len(dst)-1)*s] // one bounds check for the whole copy
	for k := range dst {
		dst[k] = src[k*s]
	}
}

// deinterleave sets even[k] = src[2k] and odd[k] = src[2k+1]: stride 2's
// scatter of a row, the common case (MBConv's downsampling layers). Four
// values move per two 64-bit loads and two 64-bit stores, where gather
// moves one per load and store: in wasm, whose Go code checks every
// index, the scatter was still about a seventh of the default model's
// inference in Node with gather alone. len(src) = len(even)+len(odd),
// and even has the odd value out, if any.
//
//go:noinline
func deinterleave(even, odd, src []float32) {
	n := len(odd)
	if len(even) < n || len(even) > n+1 || len(src) != len(even)+n {
		panic("ops: deinterleave: lengths do not match")
	}
	k := 0
	if littleEndian && n >= 2 {
		ps, pe, po := unsafe.Pointer(&src[0]), unsafe.Pointer(&even[0]), unsafe.Pointer(&odd[0])
		for ; k+2 <= n; k += 2 {
			a := *(*uint64)(unsafe.Add(ps, 8*k))   // src[2k], src[2k+1]
			b := *(*uint64)(unsafe.Add(ps, 8*k+8)) // src[2k+2], src[2k+3]
			*(*uint64)(unsafe.Add(pe, 4*k)) = a&0xffffffff | b<<32
			*(*uint64)(unsafe.Add(po, 4*k)) = a>>32 | b&^0xffffffff
		}
	}
	for ; k < n; k++ {
		even[k], odd[k] = src[2*k], src[2*k+1]
	}
	if len(even) > n {
		even[n] = src[2*n]
	}
}

// littleEndian: deinterleave's 64-bit moves assume the low word is the
// value at the lower address (amd64, arm64 and wasm all are).
var littleEndian = func() bool {
	x := uint64(1)
	return *(*byte)(unsafe.Pointer(&x)) == 1
}()

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

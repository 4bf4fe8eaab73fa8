package hiwlnet

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// dwGeom is a depthwise convolution's geometry: each of C channels is
// convolved with its own k×k filter, padded by k/2, at a stride (ONNX Conv
// with group = C, which is how it is exported).
type dwGeom struct {
	B, C, H, W int
	K, Stride  int
	Ho, Wo     int
}

func newDWGeom(x tensor.Shape, k, stride int) (dwGeom, error) {
	if len(x) != 4 || k < 1 || k%2 == 0 || stride < 1 {
		return dwGeom{}, fmt.Errorf("hiwlnet: depthwise %dx%d stride %d on shape %v", k, k, stride, x)
	}
	p := k / 2
	g := dwGeom{B: x[0], C: x[1], H: x[2], W: x[3], K: k, Stride: stride}
	g.Ho, g.Wo = (g.H+2*p-k)/stride+1, (g.W+2*p-k)/stride+1
	return g, nil
}

func (g dwGeom) String() string {
	return fmt.Sprintf("%dx%d/%d %dx%dx%dx%d", g.K, g.K, g.Stride, g.B, g.C, g.H, g.W)
}

// span is the range of output columns ox for which input column
// ox*stride + d (d = kx - pad) lies inside [0, n).
func span(d, stride, n, outN int) (lo, hi int) {
	lo = 0
	if d < 0 {
		lo = (-d + stride - 1) / stride
	}
	hi = (n - 1 - d) / stride // last ox with ox*stride+d <= n-1
	if n-1-d < 0 {
		hi = -1
	}
	hi = min(hi+1, outN)
	if hi < lo {
		hi = lo
	}
	return lo, hi
}

// Depthwise convolves x [B,C,H,W] with w [C,1,k,k] channel by channel.
func Depthwise(x, w *G.Node, k, stride int) (*G.Node, error) {
	g, err := newDWGeom(x.Shape(), k, stride)
	if err != nil {
		return nil, err
	}
	if ws := w.Shape(); len(ws) != 4 || ws[0] != g.C || ws[1] != 1 || ws[2] != k || ws[3] != k {
		return nil, fmt.Errorf("hiwlnet: depthwise weights %v, want [%d 1 %d %d]", ws, g.C, k, k)
	}
	op := &kernel{
		name: "Depthwise" + g.String(), in: []int{4, 4}, out: tensor.Shape{g.B, g.C, g.Ho, g.Wo},
		run: func(out []float32, in [][]float32) { g.forward(out, in[0], in[1]) },
	}
	op.grads = func(inputs G.Nodes, _, grad *G.Node) (G.Nodes, error) {
		dx, err := G.ApplyOp(&kernel{
			name: "DepthwiseGradInput" + g.String(), in: []int{4, 4}, out: tensor.Shape{g.B, g.C, g.H, g.W},
			run: func(out []float32, in [][]float32) { g.gradInput(out, in[0], in[1]) },
		}, inputs[1], grad)
		if err != nil {
			return nil, err
		}
		dw, err := G.ApplyOp(&kernel{
			name: "DepthwiseGradWeight" + g.String(), in: []int{4, 4}, out: tensor.Shape{g.C, 1, k, k},
			run: func(out []float32, in [][]float32) { g.gradWeight(out, in[0], in[1]) },
		}, inputs[0], grad)
		if err != nil {
			return nil, err
		}
		return G.Nodes{dx, dw}, nil
	}
	return G.ApplyOp(op, x, w)
}

// taps calls f for every output row oy and filter tap (ky, kx) that reads
// an input row iy inside the image, with the range [a, b) of output columns
// whose input column ox·stride + d (d = kx - pad) lies inside it too. The
// three kernels below differ only in what they do with such a run of
// columns, which has no bounds left to test.
func (g dwGeom) taps(f func(oy, iy, tap, a, b, d int)) {
	p, s, k := g.K/2, g.Stride, g.K
	for oy := 0; oy < g.Ho; oy++ {
		for ky := 0; ky < k; ky++ {
			iy := oy*s + ky - p
			if iy < 0 || iy >= g.H {
				continue
			}
			for kx := 0; kx < k; kx++ {
				d := kx - p
				a, b := span(d, s, g.W, g.Wo)
				f(oy, iy, ky*k+kx, a, b, d)
			}
		}
	}
}

// forward: y[b,c,oy,ox] = sum over ky,kx of w[c,ky,kx]·x[b,c,oy·s+ky-p,ox·s+kx-p],
// as an axpy per tap over a run of output columns.
func (g dwGeom) forward(y, x, w []float32) {
	s, kk := g.Stride, g.K*g.K
	parallel(g.B*g.C, func(lo, hi int) {
		for bc := lo; bc < hi; bc++ {
			xs := x[bc*g.H*g.W : (bc+1)*g.H*g.W]
			ys := y[bc*g.Ho*g.Wo : (bc+1)*g.Ho*g.Wo]
			ws := w[(bc%g.C)*kk : (bc%g.C+1)*kk]
			clear(ys)
			g.taps(func(oy, iy, tap, a, b, d int) {
				row, xr, wv := ys[oy*g.Wo:(oy+1)*g.Wo], xs[iy*g.W:(iy+1)*g.W], ws[tap]
				if s == 1 {
					src := xr[a+d : b+d]
					for i, v := range row[a:b] {
						row[a+i] = v + wv*src[i]
					}
					return
				}
				for ox := a; ox < b; ox++ {
					row[ox] += wv * xr[ox*s+d]
				}
			})
		}
	})
}

// gradInput: dx[b,c,iy,ix] = sum of w[c,ky,kx]·dy[b,c,oy,ox] over the taps
// that read (iy,ix).
func (g dwGeom) gradInput(dx, w, dy []float32) {
	s, kk := g.Stride, g.K*g.K
	parallel(g.B*g.C, func(lo, hi int) {
		for bc := lo; bc < hi; bc++ {
			dxs := dx[bc*g.H*g.W : (bc+1)*g.H*g.W]
			dys := dy[bc*g.Ho*g.Wo : (bc+1)*g.Ho*g.Wo]
			ws := w[(bc%g.C)*kk : (bc%g.C+1)*kk]
			clear(dxs)
			g.taps(func(oy, iy, tap, a, b, d int) {
				row, xr, wv := dys[oy*g.Wo:(oy+1)*g.Wo], dxs[iy*g.W:(iy+1)*g.W], ws[tap]
				if s == 1 {
					dst := xr[a+d : b+d]
					for i, v := range row[a:b] {
						dst[i] += wv * v
					}
					return
				}
				for ox := a; ox < b; ox++ {
					xr[ox*s+d] += wv * row[ox]
				}
			})
		}
	})
}

// gradWeight: dw[c,ky,kx] = sum over b,oy,ox of dy[b,c,oy,ox]·x[b,c,oy·s+ky-p,ox·s+kx-p].
// Split by channel, so that no two goroutines write one filter.
func (g dwGeom) gradWeight(dw, x, dy []float32) {
	s, kk := g.Stride, g.K*g.K
	parallel(g.C, func(lo, hi int) {
		for c := lo; c < hi; c++ {
			ws := dw[c*kk : (c+1)*kk]
			clear(ws)
			for b := 0; b < g.B; b++ {
				bc := b*g.C + c
				xs := x[bc*g.H*g.W : (bc+1)*g.H*g.W]
				dys := dy[bc*g.Ho*g.Wo : (bc+1)*g.Ho*g.Wo]
				g.taps(func(oy, iy, tap, a, b, d int) {
					row, xr := dys[oy*g.Wo:(oy+1)*g.Wo], xs[iy*g.W:(iy+1)*g.W]
					var sum float32
					if s == 1 {
						src := xr[a+d : b+d]
						for i, v := range row[a:b] {
							sum += v * src[i]
						}
					} else {
						for ox := a; ox < b; ox++ {
							sum += row[ox] * xr[ox*s+d]
						}
					}
					ws[tap] += sum
				})
			}
		}
	})
}

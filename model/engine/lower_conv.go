package engine

import (
	"fmt"
	"math"
	"slices"

	"github.com/hiwl/hiwl/model/engine/act"
	"github.com/hiwl/hiwl/model/engine/gemm"
	"github.com/hiwl/hiwl/model/engine/ops"
)

// convStep is a convolution with its fused epilogue. The weights of each
// group are packed once at compile time; BatchNormalization that follows is
// already folded into them.
type convStep struct {
	g          ops.Conv2D
	batch      int
	groups     int
	cout       int // output channels per group
	packs      []*gemm.Packed
	weights    []float32          // depthwise: [M, KH·KW]
	direct     *ops.DepthwisePlan // depthwise, strides 1-2 and more, no dilation
	pool       int                // slot of the fused GlobalAveragePool of the output, or -1
	scale      int                // slot of a channel scale [N,C,1,1] of the input (MulScaledK), or -1
	scaleStep  int                // its offset from one image to the next: C, or 0 if shared
	bias       []float32
	x, y, res  int // slots; res < 0 without a residual
	act        act.Func
	depthwise  bool
	inC, outHW int
}

func (s *convStep) run(st *State) {
	x, y := st.bufs[s.x], st.bufs[s.y]
	var res []float32
	if s.res >= 0 {
		res = st.bufs[s.res]
	}
	inImg, outImg := s.inC*s.g.H*s.g.W, s.groups*s.cout*s.outHW
	for b := 0; b < s.batch; b++ {
		xi, yi := x[b*inImg:(b+1)*inImg], y[b*outImg:(b+1)*outImg]
		var ri []float32
		if res != nil {
			ri = res[b*outImg : (b+1)*outImg]
		}
		if s.direct != nil {
			var pool []float32
			if s.pool >= 0 {
				pool = st.bufs[s.pool][b*s.groups*s.cout : (b+1)*s.groups*s.cout]
			}
			s.direct.Run(yi, xi, s.weights, s.bias, ri, s.act, pool, st.scratch)
			continue
		}
		if s.depthwise {
			ops.Depthwise(yi, xi, s.weights, s.bias, &s.g, s.inC, s.cout)
			ops.AddAct(yi, ri, s.act)
			continue
		}
		n := s.outHW
		for g := 0; g < s.groups; g++ {
			src := xi[g*s.g.C*s.g.H*s.g.W : (g+1)*s.g.C*s.g.H*s.g.W]
			cols := src
			if !s.g.Pointwise() {
				cols = st.scratch[:s.g.K()*n]
				ops.Im2Col(cols, src, &s.g)
			}
			out := yi[g*s.cout*n : (g+1)*s.cout*n]
			ep := gemm.Epilogue{Bias: s.bias[g*s.cout : (g+1)*s.cout], Act: s.act}
			if ri != nil {
				ep.Residual = ri[g*s.cout*n : (g+1)*s.cout*n]
			}
			if s.scale >= 0 {
				sc := st.bufs[s.scale][b*s.scaleStep : b*s.scaleStep+s.g.C]
				gemm.MulScaledK(s.packs[g], sc, st.scratch, cols, n, n, out, n, ep)
				continue
			}
			gemm.Mul(s.packs[g], cols, n, n, out, n, ep)
		}
	}
}

// convGeometry reads Conv's attributes for input [N,C,H,W] and weights
// [M, C/group, KH, KW].
func convGeometry(c *compiler, n *Node, x, w *value) (ops.Conv2D, int, error) {
	var g ops.Conv2D
	if len(x.shape) != 4 || len(w.shape) != 4 {
		return g, 0, fmt.Errorf("%w: only 2-D convolution: input %v, weights %v", ErrUnsupported, x.shape, w.shape)
	}
	at := attrsOf(n)
	group64 := at.Int("group", 1)
	ks := at.Ints("kernel_shape", -1, 0)
	strides := at.Ints("strides", 2, 1)
	dil := at.Ints("dilations", 2, 1)
	pads := at.Ints("pads", 4, 0)
	autoPad := at.String("auto_pad", "NOTSET")
	if err := at.Err(); err != nil {
		return g, 0, err
	}
	C, M := x.shape[1], w.shape[0]
	if group64 < 1 || group64 > int64(C) || C%int(group64) != 0 || M%int(group64) != 0 {
		return g, 0, fmt.Errorf("group %d does not divide %d input and %d output channels", group64, C, M)
	}
	group := int(group64)
	if w.shape[1] != C/group {
		return g, 0, fmt.Errorf("weights %q have shape %v for %d input channels in %d groups", w.name(), w.shape, C, group)
	}
	g.C, g.H, g.W, g.KH, g.KW = C/group, x.shape[2], x.shape[3], w.shape[2], w.shape[3]
	if ks != nil && (len(ks) != 2 || ks[0] != g.KH || ks[1] != g.KW) {
		return g, 0, fmt.Errorf("kernel_shape %v disagrees with weights %v", ks, w.shape)
	}
	for _, v := range append(append([]int{}, strides...), dil...) {
		if v < 1 {
			return g, 0, fmt.Errorf("strides %v, dilations %v", strides, dil)
		}
	}
	g.StrideH, g.StrideW, g.DilH, g.DilW = strides[0], strides[1], dil[0], dil[1]
	in := []int{g.H, g.W}
	k := []int{g.KH, g.KW}
	out, begin, _, err := windows(in, k, strides, dil, pads, autoPad, false)
	if err != nil {
		return g, 0, err
	}
	g.OH, g.OW, g.PadT, g.PadL = out[0], out[1], begin[0], begin[1]
	return g, group, nil
}

func lowerConv(c *compiler, n *Node, in []*value) error {
	if len(in) != 2 && len(in) != 3 {
		return fmt.Errorf("want 2 or 3 inputs, got %d", len(in))
	}
	x, w := in[0], in[1]
	if !w.cnst || w.ints != nil {
		return fmt.Errorf("%w: weights %q must be a float initializer", ErrUnsupported, w.name())
	}
	g, groups, err := convGeometry(c, n, x, w)
	if err != nil {
		return err
	}
	M := w.shape[0]
	K := g.K()
	weights := append([]float32(nil), c.p.shared[w.slot]...)
	bias := make([]float32, M)
	if len(in) == 3 {
		b := in[2]
		if !b.cnst || b.ints != nil || b.size() != M {
			return fmt.Errorf("bias %q must be a float initializer of %d values, has shape %v", b.name(), M, b.shape)
		}
		copy(bias, c.p.shared[b.slot])
	}
	outShape := []int{x.shape[0], M, g.OH, g.OW}
	if err := checkShape(n.name, outShape); err != nil {
		return err
	}
	if err := c.work(n, 2*float64(numel(outShape))*float64(K)); err != nil {
		return err
	}
	last := n // the node whose value the fused step writes
	ins := []*value{x}
	res := -1
	// Fuse BatchNormalization (folded into weights and bias), then an Add
	// of an already computed tensor (the residual), then an activation.
	if bn := c.sole(last); bn != nil && bn.op.Name == "BatchNormalization" && len(bn.outputs) == 1 {
		if p, ok := c.bnParams(bn, M); ok {
			for m := 0; m < M; m++ {
				a := p.scale[m] / float32(math.Sqrt(float64(p.variance[m]+p.eps)))
				for i := m * K; i < (m+1)*K; i++ {
					weights[i] *= a
				}
				bias[m] = (bias[m]-p.mean[m])*a + p.bias[m]
			}
			c.done[bn] = true
			last = bn
		}
	}
	if add := c.sole(last); add != nil && add.op.Name == "Add" {
		if other := c.otherInput(add, last); other != nil && !other.cnst && slices.Equal(other.shape, outShape) {
			res = other.slot
			ins = append(ins, other)
			c.done[add] = true
			last = add
		}
	}
	f, end := c.activation(last)
	if f != act.None {
		last = end
	}
	y := c.define(last, outShape)
	outs := []*value{y}
	st := &convStep{pool: -1, scale: -1, g: g, batch: x.shape[0], groups: groups, cout: M / groups, bias: bias,
		x: x.slot, y: y.slot, res: res, act: f, inC: x.shape[1], outHW: g.OH * g.OW}
	if g.C == 1 && groups > 1 {
		st.depthwise = true
		st.weights = weights
		if st.direct = ops.NewDepthwisePlan(&g, x.shape[1], st.cout); st.direct != nil {
			c.needScratch(st.direct.Scratch())
			// A squeeze-excitation's pooling of this output is summed
			// while each plane is still in cache.
			if gap := c.pooling(last); gap != nil {
				pv := c.define(gap, []int{outShape[0], M, 1, 1})
				st.pool = pv.slot
				c.done[gap] = true
				outs = append(outs, pv)
			}
		}
	} else {
		for gi := 0; gi < groups; gi++ {
			rows := weights[gi*st.cout*K : (gi+1)*st.cout*K]
			st.packs = append(st.packs, gemm.Pack(st.cout, K, rows, K))
		}
		if !g.Pointwise() {
			c.needScratch(K * g.OH * g.OW)
		}
		if x.scale != nil {
			st.scale = x.scale.slot
			if x.scale.shape[0] > 1 {
				st.scaleStep = x.scale.shape[1]
			}
			ins = append(ins, x.scale)
			c.needScratch(st.packs[0].Len())
		}
	}
	c.emit(st, ins, outs...)
	return nil
}

// windows computes output sizes and pads of a sliding window over in.
func windows(in, k, strides, dil, pads []int, autoPad string, ceil bool) (out, begin, end []int, err error) {
	d := len(in)
	out, begin, end = make([]int, d), make([]int, d), make([]int, d)
	for i := 0; i < d; i++ {
		if k[i] < 1 || strides[i] < 1 || dil[i] < 1 {
			return nil, nil, nil, fmt.Errorf("kernel %v, strides %v, dilations %v", k, strides, dil)
		}
		eff := (k[i]-1)*dil[i] + 1
		switch autoPad {
		case "NOTSET", "":
			begin[i], end[i] = pads[i], pads[i+d]
			if begin[i] < 0 || end[i] < 0 {
				return nil, nil, nil, fmt.Errorf("pads %v", pads)
			}
			span := in[i] + begin[i] + end[i] - eff
			if span < 0 {
				return nil, nil, nil, fmt.Errorf("window %d is larger than the padded input %d", eff, in[i]+begin[i]+end[i])
			}
			if ceil {
				out[i] = (span+strides[i]-1)/strides[i] + 1
				if (out[i]-1)*strides[i] >= in[i]+begin[i] {
					out[i]--
				}
			} else {
				out[i] = span/strides[i] + 1
			}
		case "VALID":
			if in[i] < eff {
				return nil, nil, nil, fmt.Errorf("window %d is larger than the input %d", eff, in[i])
			}
			out[i] = (in[i]-eff)/strides[i] + 1
		case "SAME_UPPER", "SAME_LOWER":
			out[i] = (in[i] + strides[i] - 1) / strides[i]
			total := max((out[i]-1)*strides[i]+eff-in[i], 0)
			if autoPad == "SAME_UPPER" {
				begin[i] = total / 2
			} else {
				begin[i] = total - total/2
			}
			end[i] = total - begin[i]
		default:
			return nil, nil, nil, fmt.Errorf("%w: auto_pad %q", ErrUnsupported, autoPad)
		}
	}
	return out, begin, end, nil
}

package engine

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/hiwl/hiwl/model/engine/act"
	"github.com/owulveryck/onnx-go"
	"gorgonia.org/tensor"
)

// builder makes the graphs onnx-go would decode, node by node, for tests
// of patterns that span several operations (fusions, MBConv blocks).
type builder struct {
	t   testing.TB
	g   *Graph
	ins []*Node
}

func newBuilder(t testing.TB) *builder { return &builder{t: t, g: NewGraph()} }

// value adds a leaf holding t: a graph input when input, else a constant.
func (b *builder) value(t tensor.Tensor, input bool) *Node {
	n := b.g.NewNode().(*Node)
	b.g.AddNode(n)
	n.SetTensor(t)
	n.SetName(fmt.Sprintf("v%d", n.id))
	if input {
		b.ins = append(b.ins, n)
	}
	return n
}

// op adds an operation with one output reading ins in order.
func (b *builder) op(name string, attrs map[string]any, ins ...*Node) *Node {
	out := b.g.NewNode().(*Node)
	b.g.AddNode(out)
	out.SetName(fmt.Sprintf("%s%d", name, out.id))
	for i, in := range ins {
		b.g.SetWeightedEdge(b.g.NewWeightedEdge(out, in, float64(i)))
	}
	if err := b.g.ApplyOperation(onnx.Operation{Name: name, Attributes: attrs}, out); err != nil {
		b.t.Fatal(err)
	}
	return out
}

// run compiles the graph for outs and runs it once on the inputs' tensors.
func (b *builder) run(outs ...*Node) (*Plan, [][]float32) {
	b.t.Helper()
	p, err := Compile(b.g, b.ins, outs)
	if err != nil {
		b.t.Fatal(err)
	}
	s := p.NewState()
	for i, n := range b.ins {
		copy(s.Input(i), n.t.Data().([]float32))
	}
	s.Run()
	var res [][]float32
	for i := range outs {
		res = append(res, append([]float32(nil), s.Output(i)...))
	}
	return p, res
}

func convAttrs(k, group, stride int) map[string]any {
	p := int64(k / 2)
	return map[string]any{"group": int64(group), "strides": []int64{int64(stride), int64(stride)},
		"pads": []int64{p, p, p, p}, "kernel_shape": []int64{int64(k), int64(k)}}
}

// activate applies an activation pattern to x as an exporter writes it.
func (b *builder) activate(f act.Func, form string, x *Node) *Node {
	switch {
	case f == act.None:
		return x
	case f == act.SiLU:
		return b.op("Mul", nil, x, b.op("Sigmoid", nil, x))
	case f == act.HardSwish && form == "gate":
		return b.op("Mul", nil, b.op("HardSigmoid", map[string]any{"alpha": float32(1.0 / 6), "beta": float32(0.5)}, x), x)
	case f == act.HardSwish:
		return b.op("HardSwish", nil, x)
	case f == act.Relu:
		return b.op("Relu", nil, x)
	case f == act.ReLU6:
		return b.op("Clip", map[string]any{"min": float32(0), "max": float32(6)}, x)
	case f == act.Sigmoid:
		return b.op("Sigmoid", nil, x)
	}
	b.t.Fatalf("no pattern for %v", f)
	return nil
}

// randWeights is randTensor scaled by 1/√(fan-in), fan-in being the
// product of every dimension but the first.
func randWeights(r *rand.Rand, shape ...int) tensor.Tensor {
	t := randTensor(r, shape...)
	fan := 1
	for _, d := range shape[1:] {
		fan *= d
	}
	for i, v := range t.Data().([]float32) {
		t.Data().([]float32)[i] = v / float32(math.Sqrt(float64(fan)))
	}
	return t
}

func near(t *testing.T, what string, got, want []float32, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	for i := range want {
		if d := math.Abs(float64(got[i] - want[i])); d > tol*math.Max(1, math.Abs(float64(want[i]))) || math.IsNaN(float64(got[i])) {
			t.Fatalf("%s: [%d] = %v, want %v", what, i, got[i], want[i])
		}
	}
}

// TestConvActivationFusion: each activation pattern after a convolution
// (pointwise, depthwise at strides 1 and 2, 3x3 and 5x5, plain 3x3) runs
// inside the convolution's step and gives the definition's values.
func TestConvActivationFusion(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 2))
	type pattern struct {
		f    act.Func
		form string
	}
	pats := []pattern{{act.SiLU, ""}, {act.HardSwish, ""}, {act.HardSwish, "gate"}, {act.Sigmoid, ""}, {act.Relu, ""}, {act.ReLU6, ""}}
	for _, tc := range []struct{ c, h, m, k, group, stride int }{
		{16, 10, 48, 1, 1, 1}, // expand
		{24, 9, 24, 3, 24, 1}, // depthwise 3x3
		{24, 9, 24, 3, 24, 2}, // depthwise 3x3 stride 2
		{8, 11, 8, 5, 8, 2},   // depthwise 5x5 stride 2
		{8, 12, 8, 5, 8, 1},   // depthwise 5x5
		{3, 8, 16, 3, 1, 2},   // stem
		{16, 8, 24, 1, 1, 2},  // 1x1 stride 2
	} {
		for _, pt := range pats {
			name := fmt.Sprintf("%dx%d/c%d/g%d/s%d/%v%s", tc.k, tc.k, tc.c, tc.group, tc.stride, pt.f, pt.form)
			t.Run(name, func(t *testing.T) {
				x := randTensor(r, 1, tc.c, tc.h, tc.h)
				w := randTensor(r, tc.m, tc.c/tc.group, tc.k, tc.k)
				bias := randTensor(r, tc.m)
				b := newBuilder(t)
				xn := b.value(x, true)
				y := b.activate(pt.f, pt.form, b.op("Conv", convAttrs(tc.k, tc.group, tc.stride), xn, b.value(w, false), b.value(bias, false)))
				p, out := b.run(y)
				if p.Steps() != 1 {
					t.Errorf("%d steps, want the activation fused into the convolution", p.Steps())
				}
				want, _, _ := naiveConv(x.Data().([]float32), w.Data().([]float32), bias.Data().([]float32), 1, tc.c, tc.h, tc.h, tc.m, tc.k, tc.k, tc.group, tc.stride, tc.k/2, 1)
				for i, v := range want {
					want[i] = pt.f.Apply(v)
				}
				near(t, name, out[0], want, 1e-5)
			})
		}
	}
}

// TestActivationNotFusedWhenShared: a convolution whose output is also
// read elsewhere keeps its own value; x·σ(x) with σ(x) read elsewhere
// too stays two steps. Both still compute the definition.
func TestActivationNotFusedWhenShared(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 1))
	x, w, bias := randTensor(r, 1, 4, 6, 6), randTensor(r, 4, 4, 1, 1), randTensor(r, 4)
	b := newBuilder(t)
	conv := b.op("Conv", convAttrs(1, 1, 1), b.value(x, true), b.value(w, false), b.value(bias, false))
	sig := b.op("Sigmoid", nil, conv)
	silu := b.op("Mul", nil, conv, sig)
	p, out := b.run(silu, sig)
	if p.Steps() != 3 {
		t.Errorf("%d steps, want conv, sigmoid and mul apart", p.Steps())
	}
	want, _, _ := naiveConv(x.Data().([]float32), w.Data().([]float32), bias.Data().([]float32), 1, 4, 6, 6, 4, 1, 1, 1, 1, 0, 1)
	sw := make([]float32, len(want))
	for i, v := range want {
		sw[i] = act.Sigmoid.Apply(v)
		want[i] = v * sw[i]
	}
	near(t, "silu", out[0], want, 1e-6)
	near(t, "sigmoid", out[1], sw, 1e-6)
}

// TestHardSwishOp holds ONNX HardSwish (onnx-go ships no node test for
// it) to its definition, x·max(0, min(1, x/6 + 1/2)).
func TestHardSwishOp(t *testing.T) {
	xs := []float32{-5, -3, -1.5, 0, 0.5, 2.9, 3, 7}
	got, _ := runOp(t, onnx.Operation{Name: "HardSwish"}, tensor.New(tensor.WithShape(len(xs)), tensor.WithBacking(xs)))
	for i, x := range xs {
		want := x * max(0, min(1, x/6+0.5))
		if math.Abs(float64(got[i]-want)) > 1e-6 {
			t.Fatalf("HardSwish(%v) = %v, want %v", x, got[i], want)
		}
	}
}

// TestMBConvBlock: a whole MBConv block as the trainer exports it (1x1
// expand + SiLU, depthwise k×k at stride s + SiLU, squeeze-excitation:
// GlobalAveragePool, 1x1 reduce + SiLU, 1x1 expand + Sigmoid, Mul; 1x1
// project, and the residual Add at stride 1), on a batch of two, against
// the definition computed op by op; and the plan it makes: five steps,
// the pooling inside the depthwise convolution and the channel scale
// inside the projection.
func TestMBConvBlock(t *testing.T) {
	r := rand.New(rand.NewPCG(6, 6))
	for _, tc := range []struct{ c, h, e, k, stride, q, out int }{
		{16, 10, 4, 3, 1, 4, 16},
		{16, 11, 4, 3, 2, 4, 24},
		{24, 9, 6, 5, 2, 6, 40},
		{24, 8, 4, 5, 1, 6, 24},
	} {
		name := fmt.Sprintf("c%d/%dx%d/e%d/k%d/s%d", tc.c, tc.h, tc.h, tc.e, tc.k, tc.stride)
		t.Run(name, func(t *testing.T) {
			const n = 2
			mid := tc.c * tc.e
			x := randTensor(r, n, tc.c, tc.h, tc.h)
			// Weights at the scale of a trained network's (1/√fan-in), so
			// that values stay near 1 through the block.
			we, be := randWeights(r, mid, tc.c, 1, 1), randTensor(r, mid)
			wd, bd := randWeights(r, mid, 1, tc.k, tc.k), randTensor(r, mid)
			w1, b1 := randWeights(r, tc.q, mid, 1, 1), randTensor(r, tc.q)
			w2, b2 := randWeights(r, mid, tc.q, 1, 1), randTensor(r, mid)
			wp, bp := randWeights(r, tc.out, mid, 1, 1), randTensor(r, tc.out)
			b := newBuilder(t)
			xn := b.value(x, true)
			conv := func(in *Node, w, bias tensor.Tensor, k, group, stride int) *Node {
				return b.op("Conv", convAttrs(k, group, stride), in, b.value(w, false), b.value(bias, false))
			}
			e := b.activate(act.SiLU, "", conv(xn, we, be, 1, 1, 1))
			d := b.activate(act.SiLU, "", conv(e, wd, bd, tc.k, mid, tc.stride))
			pool := b.op("GlobalAveragePool", nil, d)
			s1 := b.activate(act.SiLU, "", conv(pool, w1, b1, 1, 1, 1))
			gate := b.op("Sigmoid", nil, conv(s1, w2, b2, 1, 1, 1))
			y := conv(b.op("Mul", nil, d, gate), wp, bp, 1, 1, 1)
			if tc.stride == 1 && tc.out == tc.c {
				y = b.op("Add", nil, y, xn)
			}
			p, out := b.run(y)
			if p.Steps() != 5 {
				t.Errorf("%d steps, want 5 (expand, depthwise+pool, reduce, expand+gate, project+scale)", p.Steps())
			}

			// The definition, op by op.
			silu := func(v []float32) []float32 {
				for i := range v {
					v[i] = act.SiLU.Apply(v[i])
				}
				return v
			}
			data := func(t tensor.Tensor) []float32 { return t.Data().([]float32) }
			ev, _, _ := naiveConv(data(x), data(we), data(be), n, tc.c, tc.h, tc.h, mid, 1, 1, 1, 1, 0, 1)
			silu(ev)
			dv, oh, ow := naiveConv(ev, data(wd), data(bd), n, mid, tc.h, tc.h, mid, tc.k, tc.k, mid, tc.stride, tc.k/2, 1)
			silu(dv)
			plane := oh * ow
			pv := make([]float32, n*mid)
			for i := range pv {
				var s float64
				for _, v := range dv[i*plane : (i+1)*plane] {
					s += float64(v)
				}
				pv[i] = float32(s / float64(plane))
			}
			sv, _, _ := naiveConv(pv, data(w1), data(b1), n, mid, 1, 1, tc.q, 1, 1, 1, 1, 0, 1)
			silu(sv)
			gv, _, _ := naiveConv(sv, data(w2), data(b2), n, tc.q, 1, 1, mid, 1, 1, 1, 1, 0, 1)
			for i := range gv {
				gv[i] = act.Sigmoid.Apply(gv[i])
			}
			for i := range dv {
				dv[i] *= gv[i/plane]
			}
			want, _, _ := naiveConv(dv, data(wp), data(bp), n, mid, oh, ow, tc.out, 1, 1, 1, 1, 0, 1)
			if tc.stride == 1 && tc.out == tc.c {
				for i := range want {
					want[i] += data(x)[i]
				}
			}
			near(t, name, out[0], want, 1e-4)
		})
	}
}

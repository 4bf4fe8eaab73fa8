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
	case f == act.Sigmoid:
		return b.op("Sigmoid", nil, x)
	}
	b.t.Fatalf("no pattern for %v", f)
	return nil
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
	pats := []pattern{{act.SiLU, ""}, {act.HardSwish, ""}, {act.HardSwish, "gate"}, {act.Sigmoid, ""}, {act.Relu, ""}}
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

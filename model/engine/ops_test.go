package engine

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/owulveryck/onnx-go"
	"gorgonia.org/tensor"
)

// runOp builds the one-operation graph onnx-go would decode, compiles it
// with every input constant except the first, runs it twice on x and
// returns the output of the second run.
func runOp(t *testing.T, op onnx.Operation, x tensor.Tensor, consts ...tensor.Tensor) ([]float32, []int) {
	t.Helper()
	g := NewGraph()
	var ins []*Node
	for _, in := range append([]tensor.Tensor{x}, consts...) {
		n := g.NewNode().(*Node)
		g.AddNode(n)
		n.SetTensor(in)
		ins = append(ins, n)
	}
	out := g.NewNode().(*Node)
	g.AddNode(out)
	for i, in := range ins {
		g.SetWeightedEdge(g.NewWeightedEdge(out, in, float64(i)))
	}
	if err := g.ApplyOperation(op, out); err != nil {
		t.Fatal(err)
	}
	p, err := Compile(g, ins[:1], []*Node{out})
	if err != nil {
		t.Fatal(err)
	}
	s := p.NewState()
	for run := 0; run < 2; run++ {
		copy(s.Input(0), x.Data().([]float32))
		s.Run()
	}
	return append([]float32(nil), s.Output(0)...), p.OutputShape(0)
}

func randTensor(r *rand.Rand, shape ...int) tensor.Tensor {
	n := 1
	for _, d := range shape {
		n *= d
	}
	data := make([]float32, n)
	for i := range data {
		data[i] = float32(r.NormFloat64())
	}
	return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(data))
}

// naiveConv is the definition of a grouped 2-D convolution.
func naiveConv(x, w, b []float32, n, c, h, wd, m, kh, kw, group, stride, pad, dil int) ([]float32, int, int) {
	oh := (h+2*pad-((kh-1)*dil+1))/stride + 1
	ow := (wd+2*pad-((kw-1)*dil+1))/stride + 1
	out := make([]float32, n*m*oh*ow)
	cg, mg := c/group, m/group
	for bi := 0; bi < n; bi++ {
		for o := 0; o < m; o++ {
			gi := o / mg
			for y := 0; y < oh; y++ {
				for xx := 0; xx < ow; xx++ {
					s := float64(b[o])
					for ci := 0; ci < cg; ci++ {
						for ky := 0; ky < kh; ky++ {
							for kx := 0; kx < kw; kx++ {
								iy, ix := y*stride-pad+ky*dil, xx*stride-pad+kx*dil
								if iy < 0 || iy >= h || ix < 0 || ix >= wd {
									continue
								}
								s += float64(w[((o*cg+ci)*kh+ky)*kw+kx]) * float64(x[((bi*c+gi*cg+ci)*h+iy)*wd+ix])
							}
						}
					}
					out[((bi*m+o)*oh+y)*ow+xx] = float32(s)
				}
			}
		}
	}
	return out, oh, ow
}

// TestGroupedAndDepthwiseConv: onnx-go's conformance set has no grouped
// convolution; hold group > 1 and depthwise (group = channels, with a
// channel multiplier) to the definition.
func TestGroupedAndDepthwiseConv(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	for _, tc := range []struct{ n, c, h, m, k, group, stride, pad, dil int }{
		{1, 4, 9, 6, 3, 2, 1, 1, 1},  // grouped
		{2, 6, 8, 6, 3, 6, 1, 1, 1},  // depthwise
		{1, 4, 11, 8, 3, 4, 2, 1, 1}, // depthwise x2 multiplier, stride 2
		{1, 3, 10, 3, 5, 3, 1, 2, 2}, // depthwise, dilated
		{1, 8, 7, 16, 1, 4, 1, 0, 1}, // grouped pointwise
		{1, 2, 6, 4, 3, 1, 2, 0, 1},  // plain, stride 2, no pad
	} {
		x := randTensor(r, tc.n, tc.c, tc.h, tc.h)
		w := randTensor(r, tc.m, tc.c/tc.group, tc.k, tc.k)
		b := randTensor(r, tc.m)
		p := int64(tc.pad)
		op := onnx.Operation{Name: "Conv", Attributes: map[string]any{
			"group": int64(tc.group), "strides": []int64{int64(tc.stride), int64(tc.stride)},
			"pads": []int64{p, p, p, p}, "dilations": []int64{int64(tc.dil), int64(tc.dil)},
		}}
		got, shape := runOp(t, op, x, w, b)
		want, oh, ow := naiveConv(x.Data().([]float32), w.Data().([]float32), b.Data().([]float32),
			tc.n, tc.c, tc.h, tc.h, tc.m, tc.k, tc.k, tc.group, tc.stride, tc.pad, tc.dil)
		if len(shape) != 4 || shape[2] != oh || shape[3] != ow || len(got) != len(want) {
			t.Fatalf("%+v: shape %v, want %dx%d", tc, shape, oh, ow)
		}
		for i := range want {
			if math.Abs(float64(got[i]-want[i])) > 1e-4 {
				t.Fatalf("%+v: out[%d] = %v, want %v", tc, i, got[i], want[i])
			}
		}
	}
}

// TestBroadcastMulAndGemmBias: the squeeze-excitation product
// [N,C,H,W]·[N,C,1,1] and a Gemm whose bias must survive repeated runs
// (gorgonnx overwrote it), both against their definitions.
func TestBroadcastMulAndGemmBias(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 1))
	x, s := randTensor(r, 2, 3, 4, 5), randTensor(r, 2, 3, 1, 1)
	got, _ := runOp(t, onnx.Operation{Name: "Mul"}, x, s)
	xd, sd := x.Data().([]float32), s.Data().([]float32)
	for i, v := range got {
		if want := xd[i] * sd[i/20]; v != want {
			t.Fatalf("Mul[%d] = %v, want %v", i, v, want)
		}
	}
	a, bm, c := randTensor(r, 3, 5), randTensor(r, 5, 4), randTensor(r, 4)
	got, shape := runOp(t, onnx.Operation{Name: "Gemm", Attributes: map[string]any{"alpha": float32(0.5), "beta": float32(2)}}, a, bm, c)
	ad, bd, cd := a.Data().([]float32), bm.Data().([]float32), c.Data().([]float32)
	if len(shape) != 2 || shape[0] != 3 || shape[1] != 4 {
		t.Fatalf("Gemm shape %v", shape)
	}
	for i := 0; i < 3; i++ {
		for j := 0; j < 4; j++ {
			var acc float32
			for k := 0; k < 5; k++ {
				acc += ad[i*5+k] * bd[k*4+j]
			}
			if want := 0.5*acc + 2*cd[j]; math.Abs(float64(got[i*4+j]-want)) > 1e-5 {
				t.Fatalf("Gemm[%d,%d] = %v, want %v", i, j, got[i*4+j], want)
			}
		}
	}
}

// TestAttrsKeepFirstError: reading several attributes, the first
// malformed one is the error reported, later reads do not replace it, and
// a lowering refuses a malformed attribute it used to take as its default.
func TestAttrsKeepFirstError(t *testing.T) {
	n := &Node{op: &onnx.Operation{Name: "Conv", Attributes: map[string]any{
		"group": "two", "strides": []int64{1}, "auto_pad": "VALID"}}}
	at := attrsOf(n)
	if g := at.Int("group", 1); g != 0 {
		t.Errorf("group read as %d", g)
	}
	at.Ints("strides", 2, 1)
	if s := at.String("auto_pad", "NOTSET"); s != "VALID" {
		t.Errorf("auto_pad %q", s)
	}
	if err := at.Err(); err == nil || !strings.Contains(err.Error(), "group") {
		t.Fatalf("error %v, want the group's", err)
	}
	r := rand.New(rand.NewPCG(1, 1))
	g := NewGraph()
	a, b := g.NewNode().(*Node), g.NewNode().(*Node)
	out := g.NewNode().(*Node)
	for _, m := range []*Node{a, b, out} {
		g.AddNode(m)
	}
	a.SetTensor(randTensor(r, 2, 3))
	b.SetTensor(randTensor(r, 3, 2))
	g.SetWeightedEdge(g.NewWeightedEdge(out, a, 0))
	g.SetWeightedEdge(g.NewWeightedEdge(out, b, 1))
	if err := g.ApplyOperation(onnx.Operation{Name: "Gemm", Attributes: map[string]any{"transB": float32(1)}}, out); err != nil {
		t.Fatal(err)
	}
	if _, err := Compile(g, []*Node{a}, []*Node{out}); err == nil || !strings.Contains(err.Error(), "transB") {
		t.Fatalf("Gemm with a float transB: %v, want an error naming it", err)
	}
}

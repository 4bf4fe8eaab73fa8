package hiwlnet

import (
	"fmt"
	"math"
	"math/rand"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// naiveDepthwise is the definition, written for clarity only.
func naiveDepthwise(x, w []float32, b, c, h, wd, k, s int) ([]float32, int, int) {
	p := k / 2
	ho, wo := (h+2*p-k)/s+1, (wd+2*p-k)/s+1
	y := make([]float32, b*c*ho*wo)
	for n := 0; n < b; n++ {
		for ch := 0; ch < c; ch++ {
			for oy := 0; oy < ho; oy++ {
				for ox := 0; ox < wo; ox++ {
					var sum float64
					for ky := 0; ky < k; ky++ {
						for kx := 0; kx < k; kx++ {
							iy, ix := oy*s+ky-p, ox*s+kx-p
							if iy >= 0 && iy < h && ix >= 0 && ix < wd {
								sum += float64(w[(ch*k+ky)*k+kx]) * float64(x[((n*c+ch)*h+iy)*wd+ix])
							}
						}
					}
					y[((n*c+ch)*ho+oy)*wo+ox] = float32(sum)
				}
			}
		}
	}
	return y, ho, wo
}

func randSlice(rng *rand.Rand, n int) []float32 {
	d := make([]float32, n)
	for i := range d {
		d[i] = float32(rng.NormFloat64())
	}
	return d
}

func TestDepthwiseForwardMatchesDefinition(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for _, tc := range []struct{ b, c, h, w, k, s int }{
		{2, 3, 7, 6, 3, 1}, {2, 3, 7, 6, 3, 2}, {1, 4, 9, 9, 5, 1}, {2, 2, 8, 10, 5, 2}, {1, 1, 2, 3, 5, 1}, {1, 2, 5, 5, 1, 2},
	} {
		x, w := randSlice(rng, tc.b*tc.c*tc.h*tc.w), randSlice(rng, tc.c*tc.k*tc.k)
		want, ho, wo := naiveDepthwise(x, w, tc.b, tc.c, tc.h, tc.w, tc.k, tc.s)
		g, err := newDWGeom(tensor.Shape{tc.b, tc.c, tc.h, tc.w}, tc.k, tc.s)
		if err != nil {
			t.Fatal(err)
		}
		if g.Ho != ho || g.Wo != wo {
			t.Fatalf("%+v: output %dx%d, want %dx%d", tc, g.Ho, g.Wo, ho, wo)
		}
		got := make([]float32, len(want))
		g.forward(got, x, w)
		for i := range want {
			if d := math.Abs(float64(got[i] - want[i])); d > 1e-5 {
				t.Fatalf("%+v: y[%d] = %v, want %v", tc, i, got[i], want[i])
			}
		}
	}
}

// gradCheck builds loss = sum(f(inputs)·r) in gorgonia, takes its symbolic
// gradients through the tape machine, and compares each with central
// differences of the loss computed by the same graph's forward pass.
func gradCheck(t *testing.T, name string, eps, tol float64, shapes []tensor.Shape, f func(in []*G.Node) (*G.Node, error)) {
	t.Helper()
	rng := rand.New(rand.NewSource(7))
	vals := make([][]float32, len(shapes))
	for i, s := range shapes {
		vals[i] = randSlice(rng, s.TotalSize())
	}
	build := func() (*G.ExprGraph, []*G.Node, *G.Node, []float32) {
		g := G.NewGraph()
		in := make([]*G.Node, len(shapes))
		for i, s := range shapes {
			in[i] = G.NodeFromAny(g, tensor.New(tensor.WithShape(s.Clone()...), tensor.WithBacking(vals[i])), G.WithName(fmt.Sprint("in", i)))
		}
		y, err := f(in)
		if err != nil {
			t.Fatal(err)
		}
		r := randSlice(rand.New(rand.NewSource(99)), y.Shape().TotalSize())
		rn := G.NodeFromAny(g, tensor.New(tensor.WithShape(y.Shape().Clone()...), tensor.WithBacking(r)), G.WithName("r"))
		loss := G.Must(G.Sum(G.Must(G.HadamardProd(y, rn))))
		return g, in, loss, r
	}
	lossAt := func() float64 {
		g, _, loss, _ := build()
		m := G.NewTapeMachine(g)
		defer m.Close()
		if err := m.RunAll(); err != nil {
			t.Fatal(err)
		}
		return float64(loss.Value().Data().(float32))
	}
	g, in, loss, _ := build()
	if _, err := G.Grad(loss, in...); err != nil {
		t.Fatalf("%s: Grad: %v", name, err)
	}
	m := G.NewTapeMachine(g, G.BindDualValues(in...))
	defer m.Close()
	if err := m.RunAll(); err != nil {
		t.Fatalf("%s: run: %v", name, err)
	}
	for i := range in {
		gv, err := in[i].Grad()
		if err != nil {
			t.Fatalf("%s: gradient of input %d: %v", name, i, err)
		}
		grad := append([]float32(nil), gv.Data().([]float32)...)
		// every value of small inputs, a sample of large ones
		step := max(1, len(vals[i])/40)
		for j := 0; j < len(vals[i]); j += step {
			old := vals[i][j]
			vals[i][j] = old + float32(eps)
			up := lossAt()
			vals[i][j] = old - float32(eps)
			down := lossAt()
			vals[i][j] = old
			num := (up - down) / (2 * eps)
			if d := math.Abs(num - float64(grad[j])); d > tol*math.Max(1, math.Abs(num)) {
				t.Fatalf("%s: d loss / d input%d[%d] = %v, numerically %v", name, i, j, grad[j], num)
			}
		}
	}
}

func TestDepthwiseGradient(t *testing.T) {
	for _, tc := range []struct{ k, s int }{{3, 1}, {3, 2}, {5, 1}, {5, 2}} {
		// linear in each input, so large steps are exact up to rounding
		gradCheck(t, fmt.Sprintf("depthwise %dx%d/%d", tc.k, tc.k, tc.s), 0.5, 2e-3,
			[]tensor.Shape{{2, 3, 7, 6}, {3, 1, tc.k, tc.k}},
			func(in []*G.Node) (*G.Node, error) { return Depthwise(in[0], in[1], tc.k, tc.s) })
	}
}

func TestSiLUGradient(t *testing.T) {
	gradCheck(t, "SiLU", 1e-2, 2e-3, []tensor.Shape{{2, 3, 4, 5}},
		func(in []*G.Node) (*G.Node, error) { return SiLU(in[0]) })
}

func TestSiLUValues(t *testing.T) {
	g := G.NewGraph()
	x := G.NodeFromAny(g, tensor.New(tensor.WithShape(1, 4), tensor.WithBacking([]float32{-3, 0, 1, 4})))
	y := G.Must(SiLU(x))
	m := G.NewTapeMachine(g)
	defer m.Close()
	if err := m.RunAll(); err != nil {
		t.Fatal(err)
	}
	for i, v := range []float64{-3, 0, 1, 4} {
		want := v / (1 + math.Exp(-v))
		if got := y.Value().Data().([]float32)[i]; math.Abs(float64(got)-want) > 1e-6 {
			t.Errorf("SiLU(%v) = %v, want %v", v, got, want)
		}
	}
}

// ReLU6's gradient, taken through gorgonia's Grad, is dy where 0 < x < 6
// and zero elsewhere. Being piecewise linear, it is checked against that
// definition exactly rather than by finite differences, which straddle
// the kinks.
func TestReLU6Gradient(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	xs, r := randSlice(rng, 2*3*4*5), randSlice(rng, 2*3*4*5)
	for i := range xs {
		xs[i] *= 5 // both bounds crossed
	}
	g := G.NewGraph()
	x := G.NodeFromAny(g, tensor.New(tensor.WithShape(2, 3, 4, 5), tensor.WithBacking(xs)), G.WithName("x"))
	rn := G.NodeFromAny(g, tensor.New(tensor.WithShape(2, 3, 4, 5), tensor.WithBacking(r)), G.WithName("r"))
	loss := G.Must(G.Sum(G.Must(G.HadamardProd(G.Must(ReLU6(x)), rn))))
	if _, err := G.Grad(loss, x); err != nil {
		t.Fatal(err)
	}
	m := G.NewTapeMachine(g, G.BindDualValues(x))
	defer m.Close()
	if err := m.RunAll(); err != nil {
		t.Fatal(err)
	}
	gv, err := x.Grad()
	if err != nil {
		t.Fatal(err)
	}
	inside := 0
	for i, got := range gv.Data().([]float32) {
		var want float32
		if xs[i] > 0 && xs[i] < 6 {
			want = r[i]
			inside++
		}
		if got != want {
			t.Fatalf("d loss / d x[%d] at x = %v: %v, want %v", i, xs[i], got, want)
		}
	}
	if inside == 0 || inside == len(xs) {
		t.Fatalf("%d of %d inputs inside (0, 6): the test does not cross the bounds", inside, len(xs))
	}
}

func TestReLU6Values(t *testing.T) {
	g := G.NewGraph()
	xs := []float32{-3, 0, 1, 5.5, 6, 7}
	x := G.NodeFromAny(g, tensor.New(tensor.WithShape(1, len(xs)), tensor.WithBacking(xs)))
	y := G.Must(ReLU6(x))
	m := G.NewTapeMachine(g)
	defer m.Close()
	if err := m.RunAll(); err != nil {
		t.Fatal(err)
	}
	for i, want := range []float32{0, 0, 1, 5.5, 6, 6} {
		if got := y.Value().Data().([]float32)[i]; got != want {
			t.Errorf("ReLU6(%v) = %v, want %v", xs[i], got, want)
		}
	}
}

func TestChannelScaleGradient(t *testing.T) {
	gradCheck(t, "channel scale", 0.5, 2e-3, []tensor.Shape{{2, 3, 4, 5}, {2, 3}},
		func(in []*G.Node) (*G.Node, error) { return ChannelScale(in[0], in[1]) })
}

func TestPointwiseGradient(t *testing.T) {
	gradCheck(t, "1x1 convolution", 0.5, 2e-3, []tensor.Shape{{2, 3, 4, 5}, {6, 3, 1, 1}},
		func(in []*G.Node) (*G.Node, error) { return Pointwise(in[0], in[1]) })
}

// The 1x1 op computes what gorgonia's own convolution does.
func TestPointwiseMatchesConv2d(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	xv, wv := randSlice(rng, 2*3*4*5), randSlice(rng, 6*3)
	run := func(f func(x, w *G.Node) (*G.Node, error)) []float32 {
		g := G.NewGraph()
		x := G.NodeFromAny(g, tensor.New(tensor.WithShape(2, 3, 4, 5), tensor.WithBacking(append([]float32(nil), xv...))))
		w := G.NodeFromAny(g, tensor.New(tensor.WithShape(6, 3, 1, 1), tensor.WithBacking(append([]float32(nil), wv...))))
		y := G.Must(f(x, w))
		m := G.NewTapeMachine(g)
		defer m.Close()
		if err := m.RunAll(); err != nil {
			t.Fatal(err)
		}
		return append([]float32(nil), y.Value().Data().([]float32)...)
	}
	got := run(Pointwise)
	want := run(func(x, w *G.Node) (*G.Node, error) {
		return G.Conv2d(x, w, tensor.Shape{1, 1}, []int{0, 0}, []int{1, 1}, []int{1, 1})
	})
	for i := range want {
		if math.Abs(float64(got[i]-want[i])) > 1e-5 {
			t.Fatalf("y[%d] = %v, Conv2d gives %v", i, got[i], want[i])
		}
	}
}

func TestChannelMeanGradient(t *testing.T) {
	gradCheck(t, "channel mean", 0.5, 2e-3, []tensor.Shape{{2, 3, 4, 5}},
		func(in []*G.Node) (*G.Node, error) { return ChannelMean(in[0]) })
}

func TestChannelMeanValues(t *testing.T) {
	g := G.NewGraph()
	x := G.NodeFromAny(g, tensor.New(tensor.WithShape(1, 2, 1, 3), tensor.WithBacking([]float32{1, 2, 6, -3, 0, 0})))
	y := G.Must(ChannelMean(x))
	m := G.NewTapeMachine(g)
	defer m.Close()
	if err := m.RunAll(); err != nil {
		t.Fatal(err)
	}
	if got := y.Value().Data().([]float32); got[0] != 3 || got[1] != -1 {
		t.Fatalf("channel means %v, want [3 -1]", got)
	}
}

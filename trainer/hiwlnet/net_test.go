package hiwlnet

import (
	"math"
	"math/rand"
	"testing"
)

func tinyArch() Arch { return NewArch(16, 4, 8, 8) }

func randInput(rng *rand.Rand, n int) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	return x
}

// A few SGD steps on one fixed batch must drive the loss down: this proves
// the gradients flow through every layer type.
func TestTrainingReducesLoss(t *testing.T) {
	a := tinyArch()
	p := NewParams(a, 3, 1)
	net, err := Build(a, 3, 4, p, true)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewSource(2))
	x := randInput(rng, 4*3*16*16)
	y := []float32{1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0}
	opt := NewSGD(0.05, 0.9, 0)
	var first, last float32
	for i := 0; i < 30; i++ {
		loss, _, grads, err := net.Step(x, y)
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = loss
			// The head starts near uniform: cross-entropy near ln(3).
			if math.Abs(float64(loss)-math.Log(3)) > 0.2 {
				t.Fatalf("initial loss %v, want about ln 3 = %.3f", loss, math.Log(3))
			}
			for name, g := range grads {
				if norm(g) == 0 {
					t.Errorf("zero gradient for %s", name)
				}
			}
		}
		last = loss
		opt.Update(p, grads)
	}
	if !(last < first*0.5) {
		t.Fatalf("loss %v -> %v: not learning", first, last)
	}
}

// The evaluation net shares parameter memory: changing Params changes its
// output without rebuilding.
func TestEvalNetSharesParams(t *testing.T) {
	a := tinyArch()
	p := NewParams(a, 2, 3)
	net, err := Build(a, 2, 1, p, false)
	if err != nil {
		t.Fatal(err)
	}
	x := randInput(rand.New(rand.NewSource(4)), 3*16*16)
	p1, f1, err := net.Forward(x)
	if err != nil {
		t.Fatal(err)
	}
	if len(p1) != 2 || len(f1) != 8*2*2 {
		t.Fatalf("shapes: %d probs, %d features", len(p1), len(f1))
	}
	if s := p1[0] + p1[1]; math.Abs(float64(s)-1) > 1e-5 {
		t.Fatalf("probabilities sum to %v", s)
	}
	p["head.b"].Float32s()[0] += 3
	p2, _, err := net.Forward(x)
	if err != nil {
		t.Fatal(err)
	}
	if !(p2[0] > p1[0]) {
		t.Fatalf("raising class 0 bias did not raise its probability: %v -> %v", p1, p2)
	}
}

func norm(v []float32) float64 {
	var s float64
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	return math.Sqrt(s)
}

// Analytic gradients (gorgonia's, through batch norm, residual adds, max
// pooling and the mean-pool head) agree with central finite differences.
func TestGradientsMatchFiniteDifferences(t *testing.T) {
	a := tinyArch()
	p := NewParams(a, 3, 5)
	net, err := Build(a, 3, 4, p, true)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewSource(6))
	x := randInput(rng, 4*3*16*16)
	y := []float32{0.9, 0.05, 0.05, 0.05, 0.9, 0.05, 0.05, 0.05, 0.9, 0.9, 0.05, 0.05}
	_, _, grads, err := net.Step(x, y)
	if err != nil {
		t.Fatal(err)
	}
	analytic := map[string][]float32{}
	for k, g := range grads {
		analytic[k] = append([]float32(nil), g...)
	}
	// A second step on the same batch gives the same gradients: they are
	// not accumulated across steps.
	_, _, again, err := net.Step(x, y)
	if err != nil {
		t.Fatal(err)
	}
	for k, g := range again {
		for i := range g {
			if math.Abs(float64(g[i]-analytic[k][i])) > 1e-4*(1+math.Abs(float64(g[i]))) {
				t.Fatalf("%s[%d]: gradient %v on the first step, %v on the second", k, i, analytic[k][i], g[i])
			}
		}
	}
	lossAt := func() float64 {
		l, _, _, err := net.Step(x, y)
		if err != nil {
			t.Fatal(err)
		}
		return float64(l)
	}
	const h = 1e-2
	checked := 0
	for _, name := range []string{"conv1.w", "conv2.bn.scale", "res1.c2.w", "res2.c1.bn.bias", "head.w", "head.b"} {
		w := p[name].Float32s()
		for trial := 0; trial < 3; trial++ {
			i := rng.Intn(len(w))
			old := w[i]
			w[i] = old + h
			up := lossAt()
			w[i] = old - h
			down := lossAt()
			w[i] = old
			fd := (up - down) / (2 * h)
			g := float64(analytic[name][i])
			if math.Abs(fd-g) > 0.05*math.Max(math.Abs(fd), math.Abs(g))+2e-3 {
				t.Errorf("%s[%d]: analytic %.5f, finite difference %.5f", name, i, g, fd)
			}
			checked++
		}
	}
	if checked != 18 {
		t.Fatalf("checked %d", checked)
	}
}

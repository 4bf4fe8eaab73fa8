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

package hiwlnet

import (
	"math"
	"math/rand"
	"slices"
	"testing"
)

func tinyArch() Arch { return NewArch(16, 4, 8, 8) }

// tinyMBConv has every MBConv part: a strided stem, a block without
// expansion, strided and residual blocks with squeeze-excitation, 3x3 and
// 5x5 depthwise filters, and a top convolution.
const tinyMBConvSpec = "16:s8k3/2,m8e1k3q2,m12e4k5/2q3,m12e2k3q3,t16"

func tinyMBConv(t testing.TB) Arch {
	a, err := ParseArch(tinyMBConvSpec)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func tinyArchs(t testing.TB) map[string]Arch {
	return map[string]Arch{"residual": tinyArch(), "mbconv": tinyMBConv(t)}
}

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
	for name, a := range tinyArchs(t) {
		t.Run(name, func(t *testing.T) { trainingReducesLoss(t, a) })
	}
}

func trainingReducesLoss(t *testing.T, a Arch) {
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
	for name, a := range tinyArchs(t) {
		t.Run(name, func(t *testing.T) { evalNetSharesParams(t, a) })
	}
}

func evalNetSharesParams(t *testing.T, a Arch) {
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
	if len(p1) != 2 || len(f1) != a.Features()*a.FeatureSide()*a.FeatureSide() {
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
	gradientsMatch(t, tinyArch(), []string{"conv1.w", "conv2.bn.scale", "res1.c2.w", "res2.c1.bn.bias", "head.w", "head.b"})
}

// The same through MBConv blocks: depthwise filters, expansion,
// squeeze-excitation's two layers, projection, the top convolution.
func TestMBConvGradientsMatchFiniteDifferences(t *testing.T) {
	gradientsMatch(t, tinyMBConv(t), []string{"stem.w", "mb1.dw.w", "mb2.expand.w", "mb2.dw.bn.bias", "mb2.se.c1.w", "mb3.se.c2.b", "mb3.project.w", "top.bn.scale", "head.w"})
}

// The same with ReLU6, MobileNetV2's activation, in the stem, blocks and
// top (the blocks of a network started from MobileNetV2's weights).
func TestReLU6MBConvGradientsMatchFiniteDifferences(t *testing.T) {
	a, err := ParseArch("16:relu6:s8k3/2,m8e1k3,m12e6k3/2,m12e6k3,t16")
	if err != nil {
		t.Fatal(err)
	}
	gradientsMatch(t, a, []string{"stem.w", "mb1.dw.w", "mb2.expand.w", "mb2.dw.bn.bias", "mb3.project.w", "top.bn.scale", "head.w"})
}

func gradientsMatch(t *testing.T, a Arch, names []string) {
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
	for _, name := range names {
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
	if checked != 3*len(names) {
		t.Fatalf("checked %d", checked)
	}
}

func TestSpecRoundTrip(t *testing.T) {
	for _, spec := range []string{"80:c16,p,c32,p,r32,c64,p,r64", tinyMBConvSpec, "96:s24k3/2,m16e1k3q6,m24e6k5/2,m40e4k3/2q10,t128", "64:relu6:s32k3/2,m16e1k3,m24e6k3/2,t96"} {
		a, err := ParseArch(spec)
		if err != nil {
			t.Fatalf("%s: %v", spec, err)
		}
		if got := a.String(); got != spec {
			t.Errorf("ParseArch(%q).String() = %q", spec, got)
		}
	}
	a, _ := ParseArch("80:c16,p,c32,p,r32,c64,p,r64")
	if !slices.Equal(a.Layers, DefaultArch().Layers) || a.Input != 80 {
		t.Errorf("the residual CNN's spec reads as %+v, want DefaultArch", a)
	}
	for _, bad := range []string{"", "80", "80:", "80:x3", "80:m8e0k3", "81:c8", "16:s8k4/2", "16:s8k3/3", "16:c8,r9", "16:s8k3/2,s8k3/1", "16:relu:s8k3/2", "16:relu6:c8,p", "16::s8k3/2"} {
		if _, err := ParseArch(bad); err == nil {
			t.Errorf("ParseArch(%q) accepted", bad)
		}
	}
}

// FLOPs by hand for one MBConv block on a 16x16 input.
func TestMBConvFLOPs(t *testing.T) {
	a, err := ParseArch("16:s8k3/2,m12e4k5/2q3")
	if err != nil {
		t.Fatal(err)
	}
	stem := 2 * 8 * 8 * 8 * 3 * 9  // 16 -> 8
	expand := 2 * 8 * 8 * 32 * 8   // at 8x8, 8 -> 32
	dw := 2 * 4 * 4 * 32 * 25      // 5x5 at stride 2: 4x4
	se := 2*3*32 + 2*32*3          // two 1x1 on the pooled vector
	project := 2 * 4 * 4 * 12 * 32 // 32 -> 12
	head := 2 * 12 * 5             // 5 classes
	if got, want := a.FLOPs(5), int64(stem+expand+dw+se+project+head); got != want {
		t.Fatalf("FLOPs = %d, want %d", got, want)
	}
	if a.FeatureSide() != 4 || a.Features() != 12 {
		t.Fatalf("feature map %dx%dx%d", a.Features(), a.FeatureSide(), a.FeatureSide())
	}
	// The residual CNN's count is the one its files and docs quote.
	if got := DefaultArch().FLOPs(4) + DefaultArch().FLOPs(2); got != 129_024_768 {
		t.Fatalf("the default residual pair: %d FLOPs, want 129,024,768", got)
	}
}

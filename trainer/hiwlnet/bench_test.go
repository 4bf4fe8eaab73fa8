package hiwlnet

import (
	"math/rand"
	"testing"

	"github.com/hiwl/hiwl/trainer/fastblas"
)

// BenchmarkTrainStep measures one SGD step of network A at the default
// architecture, batch 16; images/s = 16 / (ns/op).
func BenchmarkTrainStep(b *testing.B) { benchTrainStep(b) }

// BenchmarkTrainStepFastBLAS is BenchmarkTrainStep with gorgonia's Sgemm
// replaced by the engine's (trainer/fastblas).
func BenchmarkTrainStepFastBLAS(b *testing.B) {
	fastblas.Use()
	defer fastblas.UseGonum()
	benchTrainStep(b)
}

func benchTrainStep(b *testing.B) {
	a := DefaultArch()
	p := NewParams(a, 4, 1)
	net, err := Build(a, 4, 16, p, true)
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewSource(1))
	x := randInput(rng, 16*3*a.Input*a.Input)
	y := make([]float32, 16*4)
	for i := 0; i < 16; i++ {
		y[i*4+i%4] = 1
	}
	opt := NewSGD(0.005, 0.9, 1e-4)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_, _, g, err := net.Step(x, y)
		if err != nil {
			b.Fatal(err)
		}
		opt.Update(p, g)
	}
	b.ReportMetric(float64(16*b.N)/b.Elapsed().Seconds(), "images/s")
}

// BenchmarkForward measures evaluation of one image.
func BenchmarkForward(b *testing.B) {
	a := DefaultArch()
	p := NewParams(a, 4, 1)
	net, err := Build(a, 4, 1, p, false)
	if err != nil {
		b.Fatal(err)
	}
	x := randInput(rand.New(rand.NewSource(1)), 3*a.Input*a.Input)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, _, err := net.Forward(x); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "images/s")
}

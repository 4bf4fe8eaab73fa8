package act

import (
	"math"
	"testing"
)

// TestSliceMatchesApply holds the vector form (when built) to the scalar
// one over a range that covers both tails of the sigmoid and every branch
// of hard-swish, on a length that leaves a partial vector.
func TestSliceMatchesApply(t *testing.T) {
	xs := make([]float32, 0, 2003)
	for i := range 2003 {
		xs = append(xs, float32(i-1001)*0.1)
	}
	xs = append(xs, 0, -3, 3, 100, -100)
	for _, f := range []Func{Relu, Sigmoid, SiLU, HardSwish, ReLU6} {
		got := append([]float32(nil), xs...)
		f.Slice(got)
		for i, x := range xs {
			want := f.Apply(x)
			if d := math.Abs(float64(got[i] - want)); d > 3e-7*math.Max(1, math.Abs(float64(want))) {
				t.Fatalf("%v(%v) = %v, want %v", f, x, got[i], want)
			}
		}
	}
}

func TestApplyDefinitions(t *testing.T) {
	for _, c := range []struct {
		f    Func
		x, y float32
	}{{Relu, -2, 0}, {Relu, 2, 2}, {Sigmoid, 0, 0.5}, {SiLU, 0, 0}, {SiLU, 2, 2 / (1 + float32(math.Exp(-2)))},
		{HardSwish, -4, 0}, {HardSwish, 4, 4}, {HardSwish, 1, 1 * 4.0 / 6}, {ReLU6, -1, 0}, {ReLU6, 2.5, 2.5}, {ReLU6, 7, 6}, {None, -7, -7}} {
		if got := c.f.Apply(c.x); math.Abs(float64(got-c.y)) > 1e-6 {
			t.Errorf("%v(%v) = %v, want %v", c.f, c.x, got, c.y)
		}
	}
}

func BenchmarkSiLU(b *testing.B) {
	x := make([]float32, 4096)
	for i := range x {
		x[i] = float32(i%200-100) * 0.05
	}
	b.SetBytes(int64(4 * len(x)))
	for b.Loop() {
		SiLU.Slice(x)
	}
}

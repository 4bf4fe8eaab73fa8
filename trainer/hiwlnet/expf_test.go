package hiwlnet

import (
	"math"
	"testing"
)

func TestExpfMatchesMathExp(t *testing.T) {
	worst := 0.0
	for x := float32(-87); x <= 88; x += 0.0137 {
		want := math.Exp(float64(x))
		got := float64(expf(x))
		if rel := math.Abs(got-want) / want; rel > worst {
			worst = rel
		}
	}
	if worst > 5e-7 {
		t.Fatalf("worst relative error %g", worst)
	}
	for _, tc := range []struct{ x, want float32 }{{0, 1}, {-100, 0}, {100, float32(math.Inf(1))}} {
		if got := expf(tc.x); got != tc.want {
			t.Errorf("expf(%v) = %v, want %v", tc.x, got, tc.want)
		}
	}
	if nan := expf(float32(math.NaN())); nan == nan {
		t.Errorf("expf(NaN) = %v", nan)
	}
}

func BenchmarkExpf(b *testing.B) {
	x := make([]float32, 1<<16)
	for i := range x {
		x[i] = float32(i%2000)/100 - 10
	}
	b.Run("expf", func(b *testing.B) {
		for n := 0; n < b.N; n++ {
			for i, v := range x {
				x[i] = v + 0*expf(v)
			}
		}
	})
	b.Run("math.Exp", func(b *testing.B) {
		for n := 0; n < b.N; n++ {
			for i, v := range x {
				x[i] = v + 0*float32(math.Exp(float64(v)))
			}
		}
	})
}

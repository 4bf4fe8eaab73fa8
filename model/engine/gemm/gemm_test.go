package gemm

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// naive is the textbook triple loop in float64, the reference for both
// kernels.
func naive(m, k, n int, a, b []float32, ep Epilogue) []float32 {
	c := make([]float32, m*n)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s float64
			for p := 0; p < k; p++ {
				s += float64(a[i*k+p]) * float64(b[p*n+j])
			}
			c[i*n+j] = ep.apply(float32(s), i, i*n+j)
		}
	}
	return c
}

func random(r *rand.Rand, n int) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(r.NormFloat64())
	}
	return x
}

// close reports whether got is within float32 rounding of want for sums of
// k products of unit-size values.
func close(got, want float32, k int) bool {
	return math.Abs(float64(got-want)) <= 1e-5*float64(k+1)*math.Max(1, math.Abs(float64(want)))
}

func TestMulMatchesNaive(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	shapes := [][3]int{{1, 1, 1}, {3, 5, 7}, {4, 27, 16}, {12, 27, 4096}, {5, 0, 9}, {13, 108, 33}, {48, 432, 64}, {7, 9, 100}, {1, 48, 4}}
	for _, s := range shapes {
		m, k, n := s[0], s[1], s[2]
		a, b := random(r, m*k), random(r, k*n)
		for _, ep := range []Epilogue{{}, {Bias: random(r, m), Relu: true}, {Residual: random(r, m*n), Relu: true}} {
			want := naive(m, k, n, a, b, ep)
			p := Pack(m, k, a, k)
			for name, mul := range map[string]func(*Packed, []float32, int, int, []float32, int, Epilogue){"Mul": Mul, "MulGeneric": MulGeneric} {
				c := make([]float32, m*n)
				for i := range c {
					c[i] = float32(math.NaN()) // every element must be written
				}
				mul(p, b, n, n, c, n, ep)
				for i := range c {
					if !close(c[i], want[i], k) {
						t.Fatalf("%s %dx%dx%d bias=%v res=%v relu=%v: c[%d] = %v, want %v", name, m, k, n, ep.Bias != nil, ep.Residual != nil, ep.Relu, i, c[i], want[i])
					}
				}
			}
		}
	}
}

func TestPackTransposed(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	m, k := 7, 13
	a := random(r, m*k)
	at := make([]float32, k*m)
	for i := 0; i < m; i++ {
		for j := 0; j < k; j++ {
			at[j*m+i] = a[i*k+j]
		}
	}
	if p, q := Pack(m, k, a, k), PackTransposed(m, k, at, m); !slices.Equal(p.data, q.data) {
		t.Fatal("PackTransposed of Aᵀ differs from Pack of A")
	}
}

// TestSIMDEqualsGeneric holds the SIMD micro-kernel (when built) to the
// pure-Go one on conv-shaped products, with strided B and C.
func TestSIMDEqualsGeneric(t *testing.T) {
	t.Logf("SIMD kernel: %v, tile width %d", SIMD(), nr())
	r := rand.New(rand.NewPCG(3, 4))
	for _, s := range [][3]int{{48, 216, 1024}, {24, 108, 1024}, {12, 27, 4096}, {6, 50, 48}} {
		m, k, n := s[0], s[1], s[2]
		ld := n + 5
		a, b := random(r, m*k), random(r, k*ld)
		ep := Epilogue{Bias: random(r, m), Residual: random(r, m*ld), Relu: true}
		p := Pack(m, k, a, k)
		c1, c2 := make([]float32, m*ld), make([]float32, m*ld)
		Mul(p, b, ld, n, c1, ld, ep)
		MulGeneric(p, b, ld, n, c2, ld, ep)
		for i := 0; i < m; i++ {
			for j := 0; j < n; j++ {
				if x, y := c1[i*ld+j], c2[i*ld+j]; !close(x, y, k) {
					t.Fatalf("%v: c[%d][%d] simd %v generic %v", s, i, j, x, y)
				}
			}
		}
	}
}

func TestMulAllocatesNothing(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{1024, 100} { // 100: with a remainder panel
		m, k := 24, 108
		p := Pack(m, k, random(r, m*k), k)
		b, c := random(r, k*n), make([]float32, m*n)
		ep := Epilogue{Bias: random(r, m), Relu: true}
		if a := testing.AllocsPerRun(5, func() { Mul(p, b, n, n, c, n, ep) }); a != 0 {
			t.Fatalf("n=%d: %v allocations per Mul", n, a)
		}
	}
}

func benchMul(bm *testing.B, mul func(*Packed, []float32, int, int, []float32, int, Epilogue), m, k, n int) {
	r := rand.New(rand.NewPCG(7, 8))
	p := Pack(m, k, random(r, m*k), k)
	b, c := random(r, k*n), make([]float32, m*n)
	cpu0 := cpuSeconds()
	bm.ResetTimer()
	for bm.Loop() {
		mul(p, b, n, n, c, n, Epilogue{})
	}
	work := 2 * float64(m*k*n) * float64(bm.N) / 1e9
	bm.ReportMetric(work/bm.Elapsed().Seconds(), "GFLOP/s")
	// On a shared machine wall time counts other processes' turns; CPU
	// time of this process is the steadier figure.
	bm.ReportMetric(work/(cpuSeconds()-cpu0), "cpu-GFLOP/s")
}

// The probe's conv-shaped product (48x1024x216): compare GFLOP/s with the
// issue's 21.8 (simd) / 3.0 (scalar) native figures.
func BenchmarkMul48x216x1024(b *testing.B)        { benchMul(b, Mul, 48, 216, 1024) }
func BenchmarkMulGeneric48x216x1024(b *testing.B) { benchMul(b, MulGeneric, 48, 216, 1024) }

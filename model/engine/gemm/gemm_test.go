package gemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/hiwl/hiwl/model/engine/act"
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

// TestKernelsMatchNaive holds every kernel this machine runs, and the
// pure-Go reference path, to the definition: odd shapes (a partial last
// panel, a partial last tile, K = 0), each epilogue and activation, and
// every element written.
func TestKernelsMatchNaive(t *testing.T) {
	t.Logf("kernels here: %v, chosen %v", Kernels(), Chosen())
	r := rand.New(rand.NewPCG(1, 2))
	shapes := [][3]int{{1, 1, 1}, {3, 5, 7}, {4, 27, 16}, {12, 27, 4096}, {5, 0, 9}, {13, 108, 33}, {48, 432, 64}, {7, 9, 100}, {1, 48, 4}, {9, 16, 31}, {17, 3, 65}}
	for _, kern := range Kernels() {
		for _, s := range shapes {
			m, k, n := s[0], s[1], s[2]
			a, b := random(r, m*k), random(r, k*n)
			eps := []Epilogue{{}, {Bias: random(r, m), Act: act.Relu}, {Residual: random(r, m*n), Act: act.Relu},
				{Bias: random(r, m), Act: act.SiLU}, {Bias: random(r, m), Residual: random(r, m*n), Act: act.HardSwish}, {Act: act.Sigmoid},
				{Bias: random(r, m), Act: act.ReLU6}, {Bias: random(r, m), Residual: random(r, m*n), Act: act.ReLU6}}
			for _, ep := range eps {
				want := naive(m, k, n, a, b, ep)
				p := PackFor(kern, m, k, a, k)
				for name, mul := range map[string]func(*Packed, []float32, int, int, []float32, int, Epilogue){"Mul": Mul, "MulGeneric": MulGeneric} {
					c := make([]float32, m*n)
					for i := range c {
						c[i] = float32(math.NaN()) // every element must be written
					}
					mul(p, b, n, n, c, n, ep)
					for i := range c {
						if !close(c[i], want[i], k) {
							t.Fatalf("%s %s %dx%dx%d bias=%v res=%v act=%v: c[%d] = %v, want %v", kern, name, m, k, n, ep.Bias != nil, ep.Residual != nil, ep.Act, i, c[i], want[i])
						}
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

// TestKernelsEqualGeneric holds every kernel to the pure-Go one on
// conv-shaped products, with strided B and C and the residual aliasing C
// (as trainer/fastblas accumulates).
func TestKernelsEqualGeneric(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, kern := range Kernels() {
		for _, s := range [][3]int{{48, 216, 1024}, {24, 108, 1024}, {12, 27, 4096}, {6, 50, 48}, {64, 576, 100}} {
			m, k, n := s[0], s[1], s[2]
			ld := n + 5
			a, b := random(r, m*k), random(r, k*ld)
			c0 := random(r, m*ld)
			p := PackFor(kern, m, k, a, k)
			c1, c2 := slices.Clone(c0), slices.Clone(c0)
			bias := random(r, m)
			Mul(p, b, ld, n, c1, ld, Epilogue{Bias: bias, Residual: c1, Act: act.Relu})
			MulGeneric(p, b, ld, n, c2, ld, Epilogue{Bias: bias, Residual: c2, Act: act.Relu})
			// Without a residual the AVX-512 kernel stores whole panels
			// from registers (kernel8x32C): the columns past n of each
			// strided row must stay as they were.
			for _, ep := range []Epilogue{{Bias: bias, Act: act.SiLU}, {}, {Bias: bias, Act: act.Relu}} {
				d1, d2 := slices.Clone(c0), slices.Clone(c0)
				Mul(p, b, ld, n, d1, ld, ep)
				MulGeneric(p, b, ld, n, d2, ld, ep)
				for i := range d1 {
					if !close(d1[i], d2[i], k) {
						t.Fatalf("%s %v bias=%v act=%v: c[%d][%d] = %v, generic %v", kern, s, ep.Bias != nil, ep.Act, i/ld, i%ld, d1[i], d2[i])
					}
				}
			}
			for i := 0; i < m; i++ {
				for j := 0; j < n; j++ {
					if x, y := c1[i*ld+j], c2[i*ld+j]; !close(x, y, k) {
						t.Fatalf("%s %v: c[%d][%d] = %v, generic %v", kern, s, i, j, x, y)
					}
				}
			}
		}
	}
}

// TestMulScaledK: A·diag(s)·B with every kernel equals Mul on the
// explicitly scaled A, and allocates nothing.
func TestMulScaledK(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for _, kern := range Kernels() {
		for _, s := range [][3]int{{24, 96, 100}, {13, 40, 33}, {4, 16, 1}} {
			m, k, n := s[0], s[1], s[2]
			a, b, sc := random(r, m*k), random(r, k*n), random(r, k)
			as := slices.Clone(a)
			for i := 0; i < m; i++ {
				for j := 0; j < k; j++ {
					as[i*k+j] *= sc[j]
				}
			}
			ep := Epilogue{Bias: random(r, m), Act: act.SiLU}
			want := naive(m, k, n, as, b, ep)
			p := PackFor(kern, m, k, a, k)
			work := make([]float32, p.Len())
			got := make([]float32, m*n)
			MulScaledK(p, sc, work, b, n, n, got, n, ep)
			for i := range got {
				if !close(got[i], want[i], k) {
					t.Fatalf("%s %v: c[%d] = %v, want %v", kern, s, i, got[i], want[i])
				}
			}
			if allocs := testing.AllocsPerRun(3, func() { MulScaledK(p, sc, work, b, n, n, got, n, ep) }); allocs != 0 {
				t.Fatalf("%s: %v allocations", kern, allocs)
			}
		}
	}
}

func TestMulAllocatesNothing(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, kern := range Kernels() {
		for _, n := range []int{1024, 100} { // 100: with a remainder panel
			m, k := 24, 108
			p := PackFor(kern, m, k, random(r, m*k), k)
			b, c := random(r, k*n), make([]float32, m*n)
			ep := Epilogue{Bias: random(r, m), Act: act.SiLU}
			if a := testing.AllocsPerRun(5, func() { Mul(p, b, n, n, c, n, ep) }); a != 0 {
				t.Fatalf("%s n=%d: %v allocations per Mul", kern, n, a)
			}
		}
	}
}

func benchMul(bm *testing.B, kern *Kernel, mul func(*Packed, []float32, int, int, []float32, int, Epilogue), m, k, n int) {
	r := rand.New(rand.NewPCG(7, 8))
	p := PackFor(kern, m, k, random(r, m*k), k)
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

// BenchmarkMul runs every kernel of this machine, by name, on the probe's
// conv-shaped product (48x216 · 216x1024) and on the shapes of the
// current model's and an MBConv model's layers (M x K x N: output
// channels, input channels x kernel area, pixels). Compare GFLOP/s with
// the 21.8 (simd) / 3.0 (scalar) native figures of the probe.
func BenchmarkMul(b *testing.B) {
	shapes := [][3]int{{48, 216, 1024}, {16, 27, 6400}, {64, 576, 100}, {96, 16, 1600}, {24, 96, 1600}, {240, 40, 100}}
	for _, kern := range Kernels() {
		for _, s := range shapes {
			b.Run(fmt.Sprintf("%s/%dx%dx%d", kern, s[0], s[1], s[2]), func(b *testing.B) { benchMul(b, kern, Mul, s[0], s[1], s[2]) })
		}
	}
}

func BenchmarkMulGeneric48x216x1024(b *testing.B) { benchMul(b, Chosen(), MulGeneric, 48, 216, 1024) }

package fastblas

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// TestSgemmMatchesGonum holds Sgemm to gonum's for every transpose pair,
// strided operands, and the alpha/beta cases gorgonia uses and others.
func TestSgemmMatchesGonum(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	rnd := func(n int) []float32 {
		x := make([]float32, n)
		for i := range x {
			x[i] = float32(r.NormFloat64())
		}
		return x
	}
	for _, s := range [][3]int{{1, 1, 1}, {5, 7, 3}, {16, 100, 27}, {33, 130, 70}, {64, 400, 288}, {10, 2000, 20}} {
		m, n, k := s[0], s[1], s[2]
		for _, tA := range []blas.Transpose{blas.NoTrans, blas.Trans} {
			for _, tB := range []blas.Transpose{blas.NoTrans, blas.Trans} {
				for _, ab := range [][2]float32{{1, 0}, {1, 1}, {0.5, 0}, {2, -0.5}, {0, 2}} {
					lda, ldb, ldc := k+1, n+2, n+3
					if tA == blas.Trans {
						lda = m + 1
					}
					if tB == blas.Trans {
						ldb = k + 2
					}
					a, b := rnd(max(m, k)*lda), rnd(max(n, k)*ldb)
					c0 := rnd(m * ldc)
					want, got := append([]float32(nil), c0...), append([]float32(nil), c0...)
					gonum.Implementation{}.Sgemm(tA, tB, m, n, k, ab[0], a, lda, b, ldb, ab[1], want, ldc)
					Implementation{}.Sgemm(tA, tB, m, n, k, ab[0], a, lda, b, ldb, ab[1], got, ldc)
					for i := range want {
						if d := math.Abs(float64(got[i] - want[i])); d > 1e-4*float64(k+1)*math.Max(1, math.Abs(float64(want[i]))) {
							t.Fatalf("%v tA=%c tB=%c alpha=%v beta=%v: c[%d] = %v, want %v", s, tA, tB, ab[0], ab[1], i, got[i], want[i])
						}
					}
				}
			}
		}
	}
}

// Package fastblas hands gorgonia the inference engine's single-precision
// matrix multiply (model/engine/gemm, with its SIMD micro-kernels) in place
// of gonum's Sgemm, which is half of a training step's time. Everything
// else (double precision, level 1 and 2) stays gonum's.
//
// Call Use before building graphs; it is global to gorgonia and tensor.
package fastblas

import (
	"runtime"
	"sync"

	"github.com/hiwl/hiwl/model/engine/gemm"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
	"gorgonia.org/gorgonia"
)

// Use makes gorgonia (and gorgonia.org/tensor) multiply float32 matrices
// with Implementation.
func Use() { gorgonia.Use(Implementation{}) }

// UseGonum restores gorgonia's default BLAS, gonum's.
func UseGonum() { gorgonia.Use(gonum.Implementation{}) }

// Implementation is gonum's BLAS with Sgemm replaced.
type Implementation struct{ gonum.Implementation }

var scratch = sync.Pool{New: func() any { return new([]float32) }}

// parallelWork is the product size (m·n·k) from which Sgemm splits the
// columns over the cores, as gonum's does.
const parallelWork = 1 << 18

// Sgemm computes C = alpha·op(A)·op(B) + beta·C.
func (Implementation) Sgemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	if k == 0 || alpha == 0 {
		scale(beta, m, n, c, ldc)
		return
	}
	var pa *gemm.Packed
	if tA == blas.NoTrans {
		pa = gemm.Pack(m, k, a, lda)
	} else {
		pa = gemm.PackTransposed(m, k, a, lda)
	}
	if tB != blas.NoTrans { // B is n×k: make it k×n
		buf := scratch.Get().(*[]float32)
		defer scratch.Put(buf)
		if cap(*buf) < k*n {
			*buf = make([]float32, k*n)
		}
		bt := (*buf)[:k*n]
		for j := 0; j < n; j++ {
			for kk, v := range b[j*ldb : j*ldb+k] {
				bt[kk*n+j] = v
			}
		}
		b, ldb = bt, n
	}
	if alpha != 1 || (beta != 0 && beta != 1) {
		// Rare in gorgonia: scale C by beta/alpha, accumulate, scale by alpha.
		scale(beta/alpha, m, n, c, ldc)
		mul(pa, b, ldb, n, c, ldc, true)
		scale(alpha, m, n, c, ldc)
		return
	}
	mul(pa, b, ldb, n, c, ldc, beta == 1)
}

// mul is C = A·B (+ C when accumulate), split by columns over the cores
// for large products.
func mul(pa *gemm.Packed, b []float32, ldb, n int, c []float32, ldc int, accumulate bool) {
	run := func(j0, j1 int) {
		ep := gemm.Epilogue{}
		if accumulate {
			ep.Residual = c[j0:] // may alias C: read before written, per element
		}
		gemm.Mul(pa, b[j0:], ldb, j1-j0, c[j0:], ldc, ep)
	}
	workers := runtime.GOMAXPROCS(0)
	if workers < 2 || pa.M*n*pa.K < parallelWork || n < 64 {
		run(0, n)
		return
	}
	step := (n/workers + 15) &^ 15
	var wg sync.WaitGroup
	for j0 := 0; j0 < n; j0 += step {
		j1 := min(j0+step, n)
		wg.Add(1)
		go func() { defer wg.Done(); run(j0, j1) }()
	}
	wg.Wait()
}

func scale(f float32, m, n int, c []float32, ldc int) {
	if f == 1 {
		return
	}
	for i := 0; i < m; i++ {
		row := c[i*ldc : i*ldc+n]
		if f == 0 {
			clear(row) // beta 0 ignores NaNs already in C, as BLAS does
			continue
		}
		for j := range row {
			row[j] *= f
		}
	}
}

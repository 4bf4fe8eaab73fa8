//go:build !goexperiment.simd

package gemm

func archKernels() []*Kernel     { return nil }
func portableKernels() []*Kernel { return nil }

// finish stores one row of a tile: dst[q] = ep(acc[q]) for the row row of
// C, whose first element is at index at of C (and of ep.Residual).
func finish(dst, acc []float32, row, at int, ep *Epilogue) {
	for q, v := range acc {
		dst[q] = ep.apply(v, row, at+q)
	}
}

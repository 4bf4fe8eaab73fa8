//go:build !goexperiment.simd

package gemm

func archKernels() []*Kernel     { return nil }
func portableKernels() []*Kernel { return nil }

// finishRows stores rows rows of a tile that a kernel left in acc (row
// stride nr), w columns each: row r goes to c[at+r·ldc:][:w], with the
// bias of row row+r and the residual at the same index.
func finishRows(c []float32, at, ldc, row, rows, w int, acc []float32, nr int, ep *Epilogue) {
	for r := range rows {
		for q, v := range acc[r*nr : r*nr+w] {
			o := at + r*ldc + q
			c[o] = ep.apply(v, row+r, o)
		}
	}
}

package gemm

import "sync"

// MR is the number of rows of A (and C) a micro-kernel tile covers. Packed A
// is stored in panels of MR rows, zero-padded at the bottom.
const MR = 4

// Packed is a left operand A[M×K] laid out for the micro-kernel: panel p
// holds rows p·MR … p·MR+MR-1, column by column (MR values per k).
type Packed struct {
	M, K int
	data []float32
}

// Pack packs the M×K row-major matrix a (row stride lda) for Mul.
func Pack(m, k int, a []float32, lda int) *Packed {
	panels := (m + MR - 1) / MR
	p := &Packed{M: m, K: k, data: make([]float32, panels*MR*k)}
	for i := 0; i < m; i++ {
		panel, r := i/MR, i%MR
		dst := p.data[panel*MR*k:]
		row := a[i*lda : i*lda+k]
		for kk, v := range row {
			dst[kk*MR+r] = v
		}
	}
	return p
}

// PackTransposed packs A = Tᵀ for the K×M row-major matrix t (row stride
// ldt): what a BLAS caller passing a transposed left operand holds.
func PackTransposed(m, k int, t []float32, ldt int) *Packed {
	panels := (m + MR - 1) / MR
	p := &Packed{M: m, K: k, data: make([]float32, panels*MR*k)}
	for kk := 0; kk < k; kk++ {
		row := t[kk*ldt : kk*ldt+m]
		for i, v := range row {
			p.data[(i/MR)*MR*k+kk*MR+i%MR] = v
		}
	}
	return p
}

// Epilogue is applied to each element of C as it is stored:
// c[i][j] = relu?( acc + Bias[i] + Residual[i·ldc+j] ). Nil fields are skipped.
type Epilogue struct {
	Bias     []float32 // len M, added per row
	Residual []float32 // same layout and stride as C
	Relu     bool
}

// Mul computes C[M×N] = A·B (A packed, B row-major K×N with row stride ldb,
// C row-major with row stride ldc), overwriting C and applying ep.
// Residual may alias C.
func Mul(a *Packed, b []float32, ldb, n int, c []float32, ldc int, ep Epilogue) {
	if a.M == 0 || n == 0 {
		return
	}
	if a.K == 0 {
		edge(a, b, ldb, 0, n, c, ldc, ep)
		return
	}
	nr := nr()
	full := n - n%nr
	if full > 0 {
		tiles(a, b, ldb, full, c, ldc, ep)
	}
	if full < n {
		remainder(a, b, ldb, full, n, nr, c, ldc, ep)
	}
}

// panels holds remainder's scratch between calls, so that a steady stream
// of products allocates nothing.
var panels = sync.Pool{New: func() any { return new([]float32) }}

// remainder computes the last j1-j0 < nr columns of C with the tile kernel:
// they are copied into a zero-padded nr-wide panel of B and the tile is
// written to scratch, then the valid columns are stored. Done one element at
// a time instead (edge), these few columns cost a tenth of a small model's
// run, since each element walks a column of B at stride ldb.
func remainder(a *Packed, b []float32, ldb, j0, j1, nr int, c []float32, ldc int, ep Epilogue) {
	k, w := a.K, j1-j0
	buf := panels.Get().(*[]float32)
	defer panels.Put(buf)
	if need := (k + a.M) * nr; cap(*buf) < need {
		*buf = make([]float32, need)
	}
	bp, cp := (*buf)[:k*nr], (*buf)[k*nr:(k+a.M)*nr]
	for kk := 0; kk < k; kk++ {
		row := bp[kk*nr : (kk+1)*nr]
		copy(row, b[kk*ldb+j0:kk*ldb+j1])
		clear(row[w:])
	}
	tiles(a, bp, nr, nr, cp, nr, Epilogue{})
	for i := 0; i < a.M; i++ {
		for q := 0; q < w; q++ {
			at := i*ldc + j0 + q
			c[at] = ep.apply(cp[i*nr+q], i, at)
		}
	}
}

// edge computes columns j0 ≤ j < j1 of C one element at a time.
func edge(a *Packed, b []float32, ldb, j0, j1 int, c []float32, ldc int, ep Epilogue) {
	k := a.K
	for i := 0; i < a.M; i++ {
		panel, r := i/MR, i%MR
		ap := a.data[min(panel*MR*k, len(a.data)):]
		for j := j0; j < j1; j++ {
			var s float32
			for kk := 0; kk < k; kk++ {
				s += ap[kk*MR+r] * b[kk*ldb+j]
			}
			c[i*ldc+j] = ep.apply(s, i, i*ldc+j)
		}
	}
}

func (ep *Epilogue) apply(s float32, row, at int) float32 {
	if ep.Bias != nil {
		s += ep.Bias[row]
	}
	if ep.Residual != nil {
		s += ep.Residual[at]
	}
	if ep.Relu && !(s > 0) {
		s = 0
	}
	return s
}

// MulGeneric is Mul with the pure-Go micro-kernel whatever the build, and
// the last columns done one element at a time: the reference the SIMD
// kernels are tested against.
func MulGeneric(a *Packed, b []float32, ldb, n int, c []float32, ldc int, ep Epilogue) {
	if a.M == 0 || n == 0 {
		return
	}
	if a.K == 0 {
		edge(a, b, ldb, 0, n, c, ldc, ep)
		return
	}
	full := n - n%genericNR
	if full > 0 {
		genericTiles(a, b, ldb, full, c, ldc, ep)
	}
	if full < n {
		edge(a, b, ldb, full, n, c, ldc, ep)
	}
}

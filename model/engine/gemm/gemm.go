package gemm

import (
	"sync"

	"github.com/hiwl/hiwl/model/engine/act"
	"github.com/hiwl/hiwl/model/engine/internal/avx"
)

// Packed is a left operand A[M×K] laid out for one kernel's micro-kernel:
// panel p holds rows p·MR … p·MR+MR-1, column by column (MR values per k),
// zero-padded at the bottom. Mul runs the kernel that packed it.
type Packed struct {
	M, K int
	mr   int
	kern *Kernel
	data []float32
}

// Kernel returns the kernel that packed a and that Mul runs on it.
func (a *Packed) Kernel() *Kernel { return a.kern }

// Pack packs the M×K row-major matrix a (row stride lda) for Mul with the
// chosen kernel.
func Pack(m, k int, a []float32, lda int) *Packed { return PackFor(chosen, m, k, a, lda) }

// PackFor packs a for kernel kern.
func PackFor(kern *Kernel, m, k int, a []float32, lda int) *Packed {
	mr := kern.MR
	panels := (m + mr - 1) / mr
	p := &Packed{M: m, K: k, mr: mr, kern: kern, data: make([]float32, panels*mr*k)}
	for i := 0; i < m; i++ {
		panel, r := i/mr, i%mr
		dst := p.data[panel*mr*k:]
		row := a[i*lda : i*lda+k]
		for kk, v := range row {
			dst[kk*mr+r] = v
		}
	}
	return p
}

// PackTransposed packs A = Tᵀ for the K×M row-major matrix t (row stride
// ldt): what a BLAS caller passing a transposed left operand holds.
func PackTransposed(m, k int, t []float32, ldt int) *Packed {
	mr := chosen.MR
	panels := (m + mr - 1) / mr
	p := &Packed{M: m, K: k, mr: mr, kern: chosen, data: make([]float32, panels*mr*k)}
	for kk := 0; kk < k; kk++ {
		row := t[kk*ldt : kk*ldt+m]
		for i, v := range row {
			p.data[(i/mr)*mr*k+kk*mr+i%mr] = v
		}
	}
	return p
}

// Epilogue is applied to each element of C as it is stored:
// c[i][j] = Act( acc + Bias[i] + Residual[i·ldc+j] ). Nil fields are
// skipped; the zero Act is the identity.
type Epilogue struct {
	Bias     []float32 // len M, added per row
	Residual []float32 // same layout and stride as C
	Act      act.Func
}

// Mul computes C[M×N] = A·B (A packed, B row-major K×N with row stride ldb,
// C row-major with row stride ldc), overwriting C and applying ep.
// Residual may alias C.
func Mul(a *Packed, b []float32, ldb, n int, c []float32, ldc int, ep Epilogue) {
	mul(a, b, ldb, n, c, ldc, ep)
	// The epilogue is portable simd code: without this, the caller's
	// scalar float code (gorgonia's, in the trainer) would run with the
	// AVX registers' upper halves set (package avx).
	avx.ClearUpper()
}

// MulScaledK is Mul with A's column k scaled by scale[k] (len K): A·diag(s)·B,
// a squeeze-excitation's channel scale folded into the 1×1 convolution
// after it, which costs M·K multiplies instead of K·N. work holds the
// scaled copy of A and needs a.Len() floats.
func MulScaledK(a *Packed, scale, work []float32, b []float32, ldb, n int, c []float32, ldc int, ep Epilogue) {
	t := *a
	t.data = work[:len(a.data)]
	mr := a.mr
	for p := 0; p < len(a.data); p += mr * a.K {
		src, dst := a.data[p:p+mr*a.K], t.data[p:p+mr*a.K]
		for k, s := range scale[:a.K] {
			for r := 0; r < mr; r++ {
				dst[k*mr+r] = src[k*mr+r] * s
			}
		}
	}
	mul(&t, b, ldb, n, c, ldc, ep)
	avx.ClearUpper() // as Mul does
}

// Len is the number of floats of a's packed data (MulScaledK's work).
func (a *Packed) Len() int { return len(a.data) }

func mul(a *Packed, b []float32, ldb, n int, c []float32, ldc int, ep Epilogue) {
	if a.M == 0 || n == 0 {
		return
	}
	if act.SliceFaster(ep.Act) {
		// SiLU and sigmoid go over whole rows once every tile is stored:
		// their whole-slice kernels (AVX-512 assembly, SIMD128 in wasm)
		// are a call each, with their constants to set up, and called per
		// tile row (32 values natively, 8 in wasm) that cost more than
		// the activation.
		f := ep.Act
		ep.Act = act.None
		mul(a, b, ldb, n, c, ldc, ep)
		for r := range a.M {
			f.Slice(c[r*ldc : r*ldc+n])
		}
		return
	}
	if a.K == 0 {
		edge(a, b, ldb, 0, n, c, ldc, ep)
		return
	}
	kern := a.kern
	if kern.ragged {
		kern.tiles(*a, b, ldb, n, c, ldc, ep)
		return
	}
	nr := kern.NR
	full := n - n%nr
	if full > 0 {
		kern.tiles(*a, b, ldb, full, c, ldc, ep)
	}
	if full < n {
		remainder(a, b, ldb, full, n, nr, c, ldc, &ep)
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
func remainder(a *Packed, b []float32, ldb, j0, j1, nr int, c []float32, ldc int, ep *Epilogue) {
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
	a.kern.tiles(*a, bp, nr, nr, cp, nr, Epilogue{})
	finishRows(c, j0, ldc, 0, a.M, w, cp, nr, ep)
}

// edge computes columns j0 ≤ j < j1 of C one element at a time.
func edge(a *Packed, b []float32, ldb, j0, j1 int, c []float32, ldc int, ep Epilogue) {
	k, mr := a.K, a.mr
	for i := 0; i < a.M; i++ {
		panel, r := i/mr, i%mr
		ap := a.data[min(panel*mr*k, len(a.data)):]
		for j := j0; j < j1; j++ {
			var s float32
			for kk := 0; kk < k; kk++ {
				s += ap[kk*mr+r] * b[kk*ldb+j]
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
	return ep.Act.Apply(s)
}

// MulGeneric is Mul with the pure-Go micro-kernel whatever kernel packed
// a, and the last columns done one element at a time: the reference the
// SIMD kernels are tested against.
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
		genericTiles(*a, b, ldb, full, c, ldc, ep)
	}
	if full < n {
		edge(a, b, ldb, full, n, c, ldc, ep)
	}
}

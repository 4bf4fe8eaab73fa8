//go:build goexperiment.simd

package ops

import (
	"simd"
	"slices"

	"github.com/hiwl/hiwl/model/engine/act"
	"github.com/hiwl/hiwl/model/engine/internal/avx"
)

// vectorLen is the float32 width of the portable simd vectors (16 with
// AVX-512, 4 on wasm SIMD128): DepthwisePlan computes whole groups of
// four vectors.
var vectorLen = simd.VectorBitSize() / 32

var hardware = !simd.Emulated()

// depthwiseTaps is out[i] = b + Σ_t w[t]·phases[offs[t]+i] for i <
// len(out), a multiple of four vectors. Four output vectors stay in
// registers across all the taps: four independent chains of FMAs hide
// their latency, and each weight is broadcast once per four vectors.
// Kept out of line and small: the Go wasm backend's dispatch loop costs
// less in a small function (see gemm's kernel4x8).
//
//go:noinline
func depthwiseTaps(out, phases []float32, offs []int, w []float32, b float32) {
	if !hardware {
		depthwiseTapsGo(out, phases, offs, w, b)
		return
	}
	if depthwiseAsm && len(out) > 0 {
		if len(out)%(4*vectorLen) != 0 || len(w) < len(offs) || len(offs) == 0 || slices.Max(offs)+len(out) > len(phases) || slices.Min(offs) < 0 {
			panic("ops: depthwise operands out of range")
		}
		depthwiseTaps64(&out[0], len(out), &phases[0], &offs[0], &w[0], len(offs), b)
		return
	}
	L := vectorLen
	bv := simd.BroadcastFloat32s(b)
	for i := 0; i < len(out); i += 4 * L {
		a0, a1, a2, a3 := bv, bv, bv, bv
		for t, off := range offs {
			wv := simd.BroadcastFloat32s(w[t])
			src := phases[off+i : off+i+4*L]
			a0 = wv.MulAdd(simd.LoadFloat32s(src), a0)
			a1 = wv.MulAdd(simd.LoadFloat32s(src[L:]), a1)
			a2 = wv.MulAdd(simd.LoadFloat32s(src[2*L:]), a2)
			a3 = wv.MulAdd(simd.LoadFloat32s(src[3*L:]), a3)
		}
		o := out[i : i+4*L]
		a0.Store(o)
		a1.Store(o[L:])
		a2.Store(o[2*L:])
		a3.Store(o[3*L:])
	}
}

// depthwiseStore copies the OW valid columns of each wq-wide row of out
// to dst (OW wide), adding residual (if any) and applying f on the way.
// Loads may run past a row's valid columns into out's next row or slack;
// stores never pass the row's end.
func depthwiseStore(dst, out, residual []float32, wq, ow int, f act.Func) {
	if !hardware {
		depthwiseStoreGo(dst, out, residual, wq, ow, f)
		return
	}
	if depthwiseAsm && depthwiseStoreClamp(dst, out, residual, wq, ow, f) {
		return
	}
	if act.SliceFaster(f) {
		depthwiseStore(dst, out, residual, wq, ow, act.None)
		f.Slice(dst)
		return
	}
	if residual == nil && f == act.None {
		// Rows copied as they are: memmove, where vector by vector the
		// portable package made this copy about a tenth of the default
		// model's inference in wasm (Node CPU profile).
		for oy := 0; oy < len(dst)/ow; oy++ {
			copy(dst[oy*ow:(oy+1)*ow], out[oy*wq:])
		}
		return
	}
	L := vectorLen
	for oy := 0; oy < len(dst)/ow; oy++ {
		d := dst[oy*ow : (oy+1)*ow]
		src := out[oy*wq:]
		var r []float32
		if residual != nil {
			r = residual[oy*ow : (oy+1)*ow]
		}
		for q := 0; q < ow; q += L {
			v := simd.LoadFloat32s(src[q:])
			if r != nil {
				rv, _ := simd.LoadFloat32sPart(r[q:])
				v = v.Add(rv)
			}
			if f != act.None {
				v = act.Vec(f, v)
			}
			if q+L <= ow {
				v.Store(d[q:])
			} else {
				v.StorePart(d[q:])
			}
		}
	}
	// Run's scalar code follows, channel after channel: without this the
	// dirty upper halves made it (the bias load, the loop) about a tenth of
	// the default model's native inference (pprof of
	// BenchmarkDefaultModel, Intel Xeon with AVX-512; package avx).
	avx.ClearUpper()
}

// Sum returns the sum of x, in vector lanes and then across them. Its
// callers pool planes of 25-1600 values, channel by channel, so the ends
// cost as much as the middle: the last partial vector is loaded masked,
// and the lanes are added in halves. What made Sum slow natively, though,
// was its scalar end running with the AVX registers' upper halves set:
// 210-300 ns over 25 values, 30-40 ns with them cleared first
// (BenchmarkSum), and Sum went from about 10 % of the default model's
// native inference to about 2 % (pprof of BenchmarkDefaultModel).
func Sum(x []float32) float32 {
	if !hardware {
		return sumGo(x)
	}
	L := vectorLen
	var acc simd.Float32s
	i := 0
	for ; i+L <= len(x); i += L {
		acc = acc.Add(simd.LoadFloat32s(x[i:]))
	}
	if i < len(x) {
		v, _ := simd.LoadFloat32sPart(x[i:])
		acc = acc.Add(v)
	}
	var lanes [16]float32
	acc.Store(lanes[:L])
	avx.ClearUpper() // before the scalar adds (package avx)
	for w := L / 2; w >= 1; w /= 2 {
		for j := range w {
			lanes[j] += lanes[j+w]
		}
	}
	return lanes[0]
}

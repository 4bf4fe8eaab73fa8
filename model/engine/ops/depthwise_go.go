//go:build !goexperiment.simd

package ops

import "github.com/hiwl/hiwl/model/engine/act"

// vectorLen: the pure-Go loops work on any length; 2 keeps the slack small.
const vectorLen = 2

func depthwiseTaps(out, phases []float32, offs []int, w []float32, b float32) {
	depthwiseTapsGo(out, phases, offs, w, b)
}

func depthwiseStore(dst, out, residual []float32, wq, ow int, f act.Func) {
	depthwiseStoreGo(dst, out, residual, wq, ow, f)
}

// Sum returns the sum of x.
func Sum(x []float32) float32 { return sumGo(x) }

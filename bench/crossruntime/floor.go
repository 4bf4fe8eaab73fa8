package crossruntime

import (
	"time"
)

// MatMul is a plain Go matrix multiply, c[n×m] += a[n×k] · b[k×m], all
// row-major float32, in i-k-j order so the inner loop streams through
// rows of b and c. It is the yardstick of the FLOP floor: what one core
// does with ordinary Go code, no assembly and no SIMD.
func MatMul(c, a, b []float32, n, k, m int) {
	for i := 0; i < n; i++ {
		ci := c[i*m : (i+1)*m]
		for p := 0; p < k; p++ {
			av := a[i*k+p]
			bp := b[p*m : (p+1)*m]
			for j := range ci {
				ci[j] += av * bp[j]
			}
		}
	}
}

// MatMulPeak is the best FLOP/s of MatMul over square sizes that fit in
// cache and a few repetitions, on the calling goroutine (one core).
func MatMulPeak(budget time.Duration) (flops float64, size int) {
	sizes := []int{64, 96, 128, 192, 256}
	per := budget / time.Duration(len(sizes))
	for _, s := range sizes {
		a, b, c := fill(s*s, 1), fill(s*s, 2), make([]float32, s*s)
		work := 2 * float64(s) * float64(s) * float64(s)
		deadline := time.Now().Add(per)
		for time.Now().Before(deadline) {
			t := time.Now()
			MatMul(c, a, b, s, s, s)
			if f := work / time.Since(t).Seconds(); f > flops {
				flops, size = f, s
			}
		}
	}
	return flops, size
}

func fill(n int, seed float32) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = seed + float32(i%7)*0.125
	}
	return x
}

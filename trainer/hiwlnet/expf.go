package hiwlnet

import "math"

// expf is e^x in float32 arithmetic: x = k·ln 2 + r with |r| <= ln 2 / 2,
// a degree-6 Taylor polynomial for e^r (relative error under 3e-7), and 2^k
// written into the exponent bits.
//
// Why not math.Exp: built with GOEXPERIMENT=simd (as the Makefile builds
// everything, for the engine's kernels), Go 1.27.3's math.Exp ran about
// 50x slower on the AVX-512 Xeon hosts here (3.3 µs a call against 62 ns
// without the experiment, `BenchmarkExpf`), which made SiLU 85 % of a
// training step.
func expf(x float32) float32 {
	const (
		log2e = 1.44269504088896341
		ln2hi = 0.693145751953125
		ln2lo = 1.42860682030941723212e-6
	)
	switch {
	case x != x:
		return x
	case x > 88.7:
		return float32(math.Inf(1))
	case x < -87.3:
		return 0
	}
	t := x * log2e
	if t >= 0 {
		t += 0.5
	} else {
		t -= 0.5
	}
	k := int32(t)
	r := x - float32(k)*ln2hi - float32(k)*ln2lo
	p := 1 + r*(1+r*(1.0/2+r*(1.0/6+r*(1.0/24+r*(1.0/120+r*(1.0/720))))))
	return p * math.Float32frombits(uint32(k+127)<<23)
}

// sigmoidf is 1/(1+e^-x).
func sigmoidf(x float32) float32 { return 1 / (1 + expf(-x)) }

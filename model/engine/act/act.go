// Package act holds the activation functions the engine applies in its
// kernels' epilogues (a convolution's GEMM, the depthwise kernel), so that
// an activation costs no pass of its own over memory: ReLU, ReLU6
// (MobileNetV2's), SiLU (x·σ(x), MBConv's "swish"), hard-swish
// (x·relu6(x+3)/6), hard-sigmoid and the sigmoid. Each has a scalar form (float64 inside, correctly rounded) and,
// under GOEXPERIMENT=simd, a vector form on the portable simd package whose
// exponential is a polynomial within 2 float32 ulps of the scalar one.
package act

import "math"

// Func is an activation; the zero value is the identity.
type Func uint8

const (
	None Func = iota
	Relu
	Sigmoid
	SiLU      // x·σ(x)
	HardSwish // x·min(max(x+3, 0), 6)/6 (ONNX HardSwish)
	ReLU6     // min(max(x, 0), 6) (ONNX Clip with min 0 and max 6)
)

var names = [...]string{"none", "relu", "sigmoid", "silu", "hardswish", "relu6"}

func (f Func) String() string {
	if int(f) < len(names) {
		return names[f]
	}
	return "act(?)"
}

// Apply returns f(x).
func (f Func) Apply(x float32) float32 {
	switch f {
	case Relu:
		if x > 0 {
			return x
		}
		return 0
	case Sigmoid:
		return sigmoid(x)
	case SiLU:
		return float32(float64(x) / (1 + math.Exp(-float64(x))))
	case HardSwish:
		return x * min(max(x+3, 0), 6) / 6
	case ReLU6:
		return min(max(x, 0), 6)
	}
	return x
}

func sigmoid(x float32) float32 { return float32(1 / (1 + math.Exp(-float64(x)))) }

// Slice applies f to every element of x in place, with the vector form
// where there is one.
func (f Func) Slice(x []float32) {
	if f == None {
		return
	}
	slice(f, x)
}

// HardSigmoid is ONNX HardSigmoid: max(0, min(1, alpha·x + beta)).
func HardSigmoid(dst, src []float32, alpha, beta float32) {
	for i, v := range src {
		dst[i] = max(0, min(1, alpha*v+beta))
	}
}

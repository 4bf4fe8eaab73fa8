package ops

import "math"

// Relu writes max(x, 0).
func Relu(dst, src []float32) {
	for i, v := range src {
		if v > 0 {
			dst[i] = v
		} else {
			dst[i] = 0
		}
	}
}

// Clip limits each value to [lo, hi] (ONNX Clip; ReLU6 is Clip(0, 6)).
// NaN stays NaN, as in ONNX.
func Clip(dst, src []float32, lo, hi float32) {
	for i, v := range src {
		if v < lo {
			v = lo
		} else if v > hi {
			v = hi
		}
		dst[i] = v
	}
}

// LeakyRelu writes x for x >= 0 and alpha·x below.
func LeakyRelu(dst, src []float32, alpha float32) {
	for i, v := range src {
		if v < 0 {
			v *= alpha
		}
		dst[i] = v
	}
}

// Sigmoid writes 1/(1+e^-x), computed in float64 so that it is correctly
// rounded to float32.
func Sigmoid(dst, src []float32) {
	for i, v := range src {
		dst[i] = float32(1 / (1 + math.Exp(-float64(v))))
	}
}

// Softmax normalises each of rows rows of cols values, with the row maximum
// subtracted first so large logits do not overflow.
func Softmax(dst, src []float32, rows, cols int) {
	for r := 0; r < rows; r++ {
		in, out := src[r*cols:(r+1)*cols], dst[r*cols:(r+1)*cols]
		m := float32(math.Inf(-1))
		for _, v := range in {
			m = max(m, v)
		}
		var s float64
		for i, v := range in {
			e := math.Exp(float64(v - m))
			out[i] = float32(e)
			s += e
		}
		for i := range out {
			out[i] = float32(float64(out[i]) / s)
		}
	}
}

// BatchNorm normalises each channel of [N, C, plane] data with its
// statistics: y = scale·(x-mean)/sqrt(var+eps) + bias.
func BatchNorm(dst, src, scale, bias, mean, variance []float32, n, c, plane int, eps float32) {
	for b := 0; b < n; b++ {
		for ch := 0; ch < c; ch++ {
			a := scale[ch] / float32(math.Sqrt(float64(variance[ch]+eps)))
			off := bias[ch] - mean[ch]*a
			at := (b*c + ch) * plane
			for i, v := range src[at : at+plane] {
				dst[at+i] = v*a + off
			}
		}
	}
}

// BinaryOp is an element-wise arithmetic operation.
type BinaryOp int

const (
	AddOp BinaryOp = iota
	SubOp
	MulOp
	DivOp
)

// Broadcast describes a binary operation with numpy broadcasting: Shape is
// the output's, AStrides and BStrides are the inputs' element strides per
// output dimension (zero where an input is broadcast).
type Broadcast struct {
	Shape              []int
	AStrides, BStrides []int
	Op                 BinaryOp
}

// Binary computes dst = a op b with broadcasting.
func Binary(dst, a, b []float32, g *Broadcast) {
	if len(a) == len(dst) && len(b) == len(dst) {
		same(dst, a, b, g.Op)
		return
	}
	d := len(g.Shape)
	var idx [16]int
	ia, ib := 0, 0
	for o := range dst {
		dst[o] = apply(g.Op, a[ia], b[ib])
		for i := d - 1; i >= 0; i-- {
			idx[i]++
			ia += g.AStrides[i]
			ib += g.BStrides[i]
			if idx[i] < g.Shape[i] {
				break
			}
			ia -= g.AStrides[i] * idx[i]
			ib -= g.BStrides[i] * idx[i]
			idx[i] = 0
		}
	}
}

func same(dst, a, b []float32, op BinaryOp) {
	switch op {
	case AddOp:
		for i := range dst {
			dst[i] = a[i] + b[i]
		}
	case SubOp:
		for i := range dst {
			dst[i] = a[i] - b[i]
		}
	case MulOp:
		for i := range dst {
			dst[i] = a[i] * b[i]
		}
	case DivOp:
		for i := range dst {
			dst[i] = a[i] / b[i]
		}
	}
}

func apply(op BinaryOp, x, y float32) float32 {
	switch op {
	case AddOp:
		return x + y
	case SubOp:
		return x - y
	case MulOp:
		return x * y
	default:
		return x / y
	}
}

// MatMul computes dst[M×N] = a[M×K]·b[K×N], row-major, for the small
// products of a classifier head (the convolutions use package gemm).
func MatMul(dst, a, b []float32, m, k, n int) {
	for i := 0; i < m; i++ {
		out := dst[i*n : (i+1)*n]
		clear(out)
		for p := 0; p < k; p++ {
			av := a[i*k+p]
			row := b[p*n : (p+1)*n]
			for j := range out {
				out[j] += av * row[j]
			}
		}
	}
}

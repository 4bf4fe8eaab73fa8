package hiwlnet

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// SiLU is x·sigmoid(x) (swish), EfficientNet's activation, as one op:
// gorgonia's Sigmoid and HadamardProd would take two passes forward, more
// backward, and a buffer each. The export writes Sigmoid then Mul.
func SiLU(x *G.Node) (*G.Node, error) {
	shape := x.Shape().Clone()
	dims := len(shape)
	op := &kernel{name: "SiLU", in: []int{dims}, out: shape, run: func(out []float32, in [][]float32) {
		x := in[0]
		parallel(len(x)/4096+1, func(lo, hi int) {
			for i := lo * 4096; i < min(hi*4096, len(x)); i++ {
				v := x[i]
				out[i] = v * sigmoidf(v)
			}
		})
	}}
	op.grads = func(inputs G.Nodes, _, grad *G.Node) (G.Nodes, error) {
		// d/dx x·σ(x) = σ(x)·(1 + x·(1-σ(x)))
		dx, err := G.ApplyOp(&kernel{name: "SiLUGrad", in: []int{dims, dims}, out: shape, run: func(out []float32, in [][]float32) {
			x, dy := in[0], in[1]
			parallel(len(x)/4096+1, func(lo, hi int) {
				for i := lo * 4096; i < min(hi*4096, len(x)); i++ {
					v := x[i]
					s := sigmoidf(v)
					out[i] = dy[i] * s * (1 + v*(1-s))
				}
			})
		}}, inputs[0], grad)
		if err != nil {
			return nil, err
		}
		return G.Nodes{dx}, nil
	}
	return G.ApplyOp(op, x)
}

// ChannelScale multiplies each channel of x [B,C,H,W] by s [B,C]: the
// excitation of a squeeze-excitation block. ONNX writes it as Mul with s
// reshaped to [B,C,1,1], which gorgonia's broadcasting would also do, at the
// cost of materialising the broadcast.
func ChannelScale(x, s *G.Node) (*G.Node, error) {
	xs := x.Shape().Clone()
	b, c, hw := xs[0], xs[1], xs[2]*xs[3]
	op := &kernel{name: "ChannelScale", in: []int{4, 2}, out: xs, run: func(out []float32, in [][]float32) {
		x, s := in[0], in[1]
		parallel(b*c, func(lo, hi int) {
			for bc := lo; bc < hi; bc++ {
				sv := s[bc]
				src, dst := x[bc*hw:(bc+1)*hw], out[bc*hw:(bc+1)*hw]
				for i, v := range src {
					dst[i] = v * sv
				}
			}
		})
	}}
	op.grads = func(inputs G.Nodes, _, grad *G.Node) (G.Nodes, error) {
		// dx = dy·s per channel; ds[b,c] = sum over the map of dy·x.
		dx, err := G.ApplyOp(&kernel{name: "ChannelScaleGradX", in: []int{2, 4}, out: xs, run: func(out []float32, in [][]float32) {
			s, dy := in[0], in[1]
			parallel(b*c, func(lo, hi int) {
				for bc := lo; bc < hi; bc++ {
					sv := s[bc]
					src, dst := dy[bc*hw:(bc+1)*hw], out[bc*hw:(bc+1)*hw]
					for i, v := range src {
						dst[i] = v * sv
					}
				}
			})
		}}, inputs[1], grad)
		if err != nil {
			return nil, err
		}
		ds, err := G.ApplyOp(&kernel{name: "ChannelScaleGradS", in: []int{4, 4}, out: tensor.Shape{b, c}, run: func(out []float32, in [][]float32) {
			x, dy := in[0], in[1]
			parallel(b*c, func(lo, hi int) {
				for bc := lo; bc < hi; bc++ {
					var sum float32
					src := x[bc*hw : (bc+1)*hw]
					for i, v := range dy[bc*hw : (bc+1)*hw] {
						sum += v * src[i]
					}
					out[bc] = sum
				}
			})
		}}, inputs[0], grad)
		if err != nil {
			return nil, err
		}
		return G.Nodes{dx, ds}, nil
	}
	return G.ApplyOp(op, x, s)
}

// ChannelMean averages each channel of x [B,C,H,W] over its map, giving
// [B,C]: the squeeze of squeeze-excitation and the head's global average
// pool. gorgonia's Mean over a reshaped [B,C,HW] does the same, but its
// gradient repeats dy over the map through a generic broadcast and a
// multiply, which was a tenth of an MBConv training step.
func ChannelMean(x *G.Node) (*G.Node, error) {
	xs := x.Shape().Clone()
	if len(xs) != 4 {
		return nil, fmt.Errorf("hiwlnet: channel mean of shape %v", xs)
	}
	b, c, hw := xs[0], xs[1], xs[2]*xs[3]
	inv := 1 / float32(hw)
	op := &kernel{name: "ChannelMean", in: []int{4}, out: tensor.Shape{b, c}, run: func(out []float32, in [][]float32) {
		x := in[0]
		for bc := range out {
			var sum float32
			for _, v := range x[bc*hw : (bc+1)*hw] {
				sum += v
			}
			out[bc] = sum * inv
		}
	}}
	op.grads = func(inputs G.Nodes, _, grad *G.Node) (G.Nodes, error) {
		dx, err := G.ApplyOp(&kernel{name: "ChannelMeanGrad", in: []int{2}, out: xs, run: func(out []float32, in [][]float32) {
			for bc, g := range in[0] {
				v := g * inv
				row := out[bc*hw : (bc+1)*hw]
				for i := range row {
					row[i] = v
				}
			}
		}}, grad)
		if err != nil {
			return nil, err
		}
		return G.Nodes{dx}, nil
	}
	return G.ApplyOp(op, x)
}

// ReLU6 is min(max(x, 0), 6), MobileNetV2's activation: the blocks of a
// network started from MobileNetV2's pretrained weights keep the function
// those weights were learnt with. The export writes ONNX Clip.
func ReLU6(x *G.Node) (*G.Node, error) {
	shape := x.Shape().Clone()
	dims := len(shape)
	op := &kernel{name: "ReLU6", in: []int{dims}, out: shape, run: func(out []float32, in [][]float32) {
		x := in[0]
		parallel(len(x)/4096+1, func(lo, hi int) {
			for i := lo * 4096; i < min(hi*4096, len(x)); i++ {
				out[i] = min(max(x[i], 0), 6)
			}
		})
	}}
	op.grads = func(inputs G.Nodes, _, grad *G.Node) (G.Nodes, error) {
		dx, err := G.ApplyOp(&kernel{name: "ReLU6Grad", in: []int{dims, dims}, out: shape, run: func(out []float32, in [][]float32) {
			x, dy := in[0], in[1]
			parallel(len(x)/4096+1, func(lo, hi int) {
				for i := lo * 4096; i < min(hi*4096, len(x)); i++ {
					if v := x[i]; v > 0 && v < 6 {
						out[i] = dy[i]
					} else {
						out[i] = 0
					}
				}
			})
		}}, inputs[0], grad)
		if err != nil {
			return nil, err
		}
		return G.Nodes{dx}, nil
	}
	return G.ApplyOp(op, x)
}

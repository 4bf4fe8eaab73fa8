// Package hiwlnet is the HIWL network in gorgonia: the compact residual CNN
// backbone shared by networks A and B, its parameters, a training graph and
// an evaluation graph. The layer list in Arch is the single description of
// the network; the ONNX exporter walks the same list.
package hiwlnet

import (
	"fmt"
	"math"
	"math/rand"

	"gorgonia.org/tensor"
)

// LayerKind is one building block of the backbone.
type LayerKind int

const (
	// ConvBNReLU is a 3x3 convolution (stride 1, pad 1, no bias), batch
	// normalisation and ReLU.
	ConvBNReLU LayerKind = iota
	// MaxPool halves the resolution with a 2x2, stride-2 max pool.
	MaxPool
	// Residual is conv-bn-relu-conv-bn plus the input, then ReLU
	// (a ResNet basic block without downsampling).
	Residual
)

// Layer is one block of the backbone; Name prefixes its parameters.
type Layer struct {
	Kind    LayerKind
	Name    string
	In, Out int
}

// Arch is the backbone: only operators that onnx-go (gorgonnx) runs
// correctly, and no depthwise conv or squeeze-excitation (see README).
type Arch struct {
	Input  int // square input side in pixels
	Layers []Layer
}

// DefaultArch is the backbone of the default model: 80x80 input, widths
// 16-32-64, two residual blocks, a 10x10x64 last feature map. It is sized
// so that gorgonia trains HIWL on the real five-class set (45 epochs) in
// about two hours on two CPU cores.
func DefaultArch() Arch { return NewArch(80, 16, 32, 64) }

// NewArch builds the backbone for an input side (a multiple of 8) and three
// widths.
func NewArch(input, w1, w2, w3 int) Arch {
	return Arch{Input: input, Layers: []Layer{
		{ConvBNReLU, "conv1", 3, w1},
		{MaxPool, "pool1", w1, w1},
		{ConvBNReLU, "conv2", w1, w2},
		{MaxPool, "pool2", w2, w2},
		{Residual, "res1", w2, w2},
		{ConvBNReLU, "conv3", w2, w3},
		{MaxPool, "pool3", w3, w3},
		{Residual, "res2", w3, w3},
	}}
}

// Features is the number of channels of the last feature map.
func (a Arch) Features() int { return a.Layers[len(a.Layers)-1].Out }

// FeatureSide is the side of the last feature map.
func (a Arch) FeatureSide() int {
	s := a.Input
	for _, l := range a.Layers {
		if l.Kind == MaxPool {
			s /= 2
		}
	}
	return s
}

// Validate checks that the layer chain is consistent.
func (a Arch) Validate() error {
	if a.Input < 8 || a.Input%8 != 0 {
		return fmt.Errorf("hiwlnet: input side %d must be a positive multiple of 8", a.Input)
	}
	ch := 3
	for _, l := range a.Layers {
		if l.In != ch {
			return fmt.Errorf("hiwlnet: layer %s takes %d channels, previous gives %d", l.Name, l.In, ch)
		}
		if l.Kind != ConvBNReLU && l.In != l.Out {
			return fmt.Errorf("hiwlnet: layer %s cannot change width", l.Name)
		}
		ch = l.Out
	}
	return nil
}

// Conv is one convolution of the backbone.
type Conv struct {
	Name    string
	In, Out int
}

// Convs lists every convolution in order; a Residual block holds two,
// named <block>.c1 and <block>.c2.
func (a Arch) Convs() []Conv {
	var out []Conv
	for _, l := range a.Layers {
		switch l.Kind {
		case ConvBNReLU:
			out = append(out, Conv{l.Name, l.In, l.Out})
		case Residual:
			out = append(out, Conv{l.Name + ".c1", l.In, l.Out}, Conv{l.Name + ".c2", l.Out, l.Out})
		}
	}
	return out
}

// FLOPs counts multiply-adds x2 of one network's forward pass on one image
// (convolutions and the head; BN, ReLU and pooling are negligible).
func (a Arch) FLOPs(classes int) int64 {
	var f int64
	s := a.Input
	for _, l := range a.Layers {
		switch l.Kind {
		case MaxPool:
			s /= 2
		case ConvBNReLU:
			f += int64(2 * s * s * l.In * l.Out * 9)
		case Residual:
			f += int64(2 * 2 * s * s * l.In * l.Out * 9)
		}
	}
	return f + int64(2*a.Features()*classes)
}

// Params holds one network's parameters by name (without the network
// prefix): <conv>.w [out,in,3,3]; <conv>.bn.{scale,bias,mean,var} [C];
// head.w [C,K]; head.b [1,K].
type Params map[string]*tensor.Dense

// Count is the number of scalars in p.
func (p Params) Count() int {
	n := 0
	for _, t := range p {
		n += t.Shape().TotalSize()
	}
	return n
}

// NewParams initialises a network: He-normal convolutions, identity batch
// norm, a small random head, all from seed.
func NewParams(a Arch, classes int, seed int64) Params {
	rng := rand.New(rand.NewSource(seed))
	p := Params{}
	for _, c := range a.Convs() {
		std := math.Sqrt(2 / float64(c.In*9))
		p[c.Name+".w"] = randn(rng, std, c.Out, c.In, 3, 3)
		p[c.Name+".bn.scale"] = filled(1, c.Out)
		p[c.Name+".bn.bias"] = filled(0, c.Out)
		p[c.Name+".bn.mean"] = filled(0, c.Out)
		p[c.Name+".bn.var"] = filled(1, c.Out)
	}
	p["head.w"] = randn(rng, 0.01, a.Features(), classes)
	p["head.b"] = filled(0, 1, classes)
	return p
}

// Clone deep-copies p.
func (p Params) Clone() Params {
	q := make(Params, len(p))
	for k, t := range p {
		q[k] = t.Clone().(*tensor.Dense)
	}
	return q
}

func randn(rng *rand.Rand, std float64, shape ...int) *tensor.Dense {
	n := 1
	for _, s := range shape {
		n *= s
	}
	d := make([]float32, n)
	for i := range d {
		d[i] = float32(rng.NormFloat64() * std)
	}
	return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(d))
}

func filled(v float32, shape ...int) *tensor.Dense {
	n := 1
	for _, s := range shape {
		n *= s
	}
	d := make([]float32, n)
	for i := range d {
		d[i] = v
	}
	return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(d))
}

// Package hiwlnet is the HIWL network in gorgonia: the backbones of
// networks A and B (a compact residual CNN, or MBConv blocks as in the
// paper's EfficientNet), their parameters, a training graph and an
// evaluation graph, and the ops gorgonia lacks for MBConv (depthwise
// convolution, SiLU, the excitation's channel scale) with their gradients. The layer list in Arch is the single description of
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
	// Stem is a Kernel×Kernel convolution at Stride (pad Kernel/2), batch
	// normalisation and the activation (Arch.Act, SiLU by default): the
	// first layer of an MBConv backbone.
	Stem
	// MBConv is EfficientNet's inverted residual block: a 1x1 convolution
	// expanding In to In·Expand channels (left out when Expand is 1), a
	// Kernel×Kernel depthwise convolution at Stride, squeeze-excitation
	// with Squeeze channels (none when 0), and a 1x1 projection to Out,
	// each convolution followed by batch normalisation and, but for the
	// projection, the activation. The input is added back when the shape allows
	// (Stride 1, In = Out).
	MBConv
	// Top is a 1x1 convolution, batch normalisation and the activation: the last
	// feature map of an MBConv backbone, the one class activation maps show.
	Top
)

// Layer is one block of the backbone; Name prefixes its parameters.
type Layer struct {
	Kind    LayerKind
	Name    string
	In, Out int
	// Stem and MBConv only.
	Kernel, Stride int
	// MBConv only.
	Expand, Squeeze int
}

// Arch is the backbone. The residual CNN (ConvBNReLU, MaxPool, Residual)
// is the first default model's; the MBConv layers (Stem, MBConv, Top) are
// the paper's kind of backbone, trained through this package's own
// depthwise, SiLU and channel-scale ops.
type Arch struct {
	Input  int // square input side in pixels
	Layers []Layer
	// Act is the activation of the Stem, MBConv and Top layers (SiLU unless
	// set); squeeze-excitation keeps SiLU inside.
	Act Activation
}

// Activation is the nonlinearity of an MBConv backbone.
type Activation int

const (
	// ActSiLU is x·sigmoid(x), EfficientNet's.
	ActSiLU Activation = iota
	// ActReLU6 is min(max(x, 0), 6), MobileNetV2's: a backbone started
	// from MobileNetV2's pretrained weights keeps it.
	ActReLU6
)

// DefaultArch is the backbone of the first default models: 80x80 input,
// widths 16-32-64, two residual blocks, a 10x10x64 last feature map.
func DefaultArch() Arch { return NewArch(80, 16, 32, 64) }

// NewArch builds the residual CNN for an input side (a multiple of 8) and
// three widths.
func NewArch(input, w1, w2, w3 int) Arch {
	return Arch{Input: input, Layers: []Layer{
		{Kind: ConvBNReLU, Name: "conv1", In: 3, Out: w1},
		{Kind: MaxPool, Name: "pool1", In: w1, Out: w1},
		{Kind: ConvBNReLU, Name: "conv2", In: w1, Out: w2},
		{Kind: MaxPool, Name: "pool2", In: w2, Out: w2},
		{Kind: Residual, Name: "res1", In: w2, Out: w2},
		{Kind: ConvBNReLU, Name: "conv3", In: w2, Out: w3},
		{Kind: MaxPool, Name: "pool3", In: w3, Out: w3},
		{Kind: Residual, Name: "res2", In: w3, Out: w3},
	}}
}

// BNEpsilon is the epsilon of a's batch norms: hiwlnet's BNEpsilon, or
// for a ReLU6 backbone Keras's 1e-3, which MobileNetV2's weights were
// trained with. ReLU6 can hold a channel at 0 or at 6 over a whole batch;
// the batch norm after it then divides by √ε, and at 1e-5 two ReLU6 runs
// blew up (training loss from 0.76 to 2.04 within an epoch).
func (a Arch) BNEpsilon() float64 {
	if a.Act == ActReLU6 {
		return 1e-3
	}
	return BNEpsilon
}

// Features is the number of channels of the last feature map.
func (a Arch) Features() int { return a.Layers[len(a.Layers)-1].Out }

// outSide is the side a layer's output has for an input of side s.
func (l Layer) outSide(s int) int {
	switch l.Kind {
	case MaxPool:
		return s / 2
	case Stem, MBConv:
		return (s+2*(l.Kernel/2)-l.Kernel)/l.Stride + 1
	}
	return s
}

// FeatureSide is the side of the last feature map.
func (a Arch) FeatureSide() int {
	s := a.Input
	for _, l := range a.Layers {
		s = l.outSide(s)
	}
	return s
}

// Expanded is an MBConv block's inner width.
func (l Layer) Expanded() int { return l.In * l.Expand }

// residual reports whether an MBConv block adds its input back.
func (l Layer) residual() bool { return l.Stride == 1 && l.In == l.Out }

// Validate checks that the layer chain is consistent.
func (a Arch) Validate() error {
	if len(a.Layers) == 0 {
		return fmt.Errorf("hiwlnet: a backbone needs layers")
	}
	if a.Act != ActSiLU && a.IsResidualCNN() {
		return fmt.Errorf("hiwlnet: the residual CNN has ReLU; only an MBConv backbone takes another activation")
	}
	if a.Input < 8 || a.Input%8 != 0 {
		return fmt.Errorf("hiwlnet: input side %d must be a positive multiple of 8", a.Input)
	}
	ch, s := 3, a.Input
	for _, l := range a.Layers {
		if l.In != ch {
			return fmt.Errorf("hiwlnet: layer %s takes %d channels, previous gives %d", l.Name, l.In, ch)
		}
		if l.Out < 1 {
			return fmt.Errorf("hiwlnet: layer %s has %d output channels", l.Name, l.Out)
		}
		switch l.Kind {
		case MaxPool, Residual:
			if l.In != l.Out {
				return fmt.Errorf("hiwlnet: layer %s cannot change width", l.Name)
			}
		case Stem, MBConv:
			if l.Kernel < 1 || l.Kernel%2 == 0 || l.Stride < 1 || l.Stride > 2 {
				return fmt.Errorf("hiwlnet: layer %s: kernel %d stride %d (want an odd kernel, stride 1 or 2)", l.Name, l.Kernel, l.Stride)
			}
			if l.Kind == MBConv && (l.Expand < 1 || l.Squeeze < 0) {
				return fmt.Errorf("hiwlnet: layer %s: expansion %d, squeeze %d", l.Name, l.Expand, l.Squeeze)
			}
		}
		ch, s = l.Out, l.outSide(s)
		if s < 1 {
			return fmt.Errorf("hiwlnet: layer %s leaves no pixels", l.Name)
		}
	}
	return nil
}

// Conv is one convolution of the backbone: Kernel×Kernel at Stride with
// padding Kernel/2, in Group groups (Group = In = Out: depthwise), over an
// output map of Side×Side. Bias convolutions are squeeze-excitation's,
// which have no batch norm and run on the pooled 1×1 map.
type Conv struct {
	Name           string
	In, Out        int
	Kernel, Stride int
	Group          int
	Bias           bool
	Side           int
}

// Convs lists every convolution in order; a Residual block holds two,
// named <block>.c1 and <block>.c2; an MBConv block <block>.expand (unless
// Expand is 1), <block>.dw, <block>.se.c1 and <block>.se.c2 (with
// squeeze-excitation) and <block>.project.
func (a Arch) Convs() []Conv {
	var out []Conv
	side := a.Input
	for _, l := range a.Layers {
		in, s := side, l.outSide(side)
		side = s
		switch l.Kind {
		case ConvBNReLU:
			out = append(out, Conv{l.Name, l.In, l.Out, 3, 1, 1, false, s})
		case Residual:
			out = append(out, Conv{l.Name + ".c1", l.In, l.Out, 3, 1, 1, false, s}, Conv{l.Name + ".c2", l.Out, l.Out, 3, 1, 1, false, s})
		case Stem:
			out = append(out, Conv{l.Name, l.In, l.Out, l.Kernel, l.Stride, 1, false, s})
		case Top:
			out = append(out, Conv{l.Name, l.In, l.Out, 1, 1, 1, false, s})
		case MBConv:
			e := l.Expanded()
			if l.Expand != 1 {
				out = append(out, Conv{l.Name + ".expand", l.In, e, 1, 1, 1, false, in})
			}
			out = append(out, Conv{l.Name + ".dw", e, e, l.Kernel, l.Stride, e, false, s})
			if l.Squeeze > 0 {
				out = append(out, Conv{l.Name + ".se.c1", e, l.Squeeze, 1, 1, 1, true, 1}, Conv{l.Name + ".se.c2", l.Squeeze, e, 1, 1, 1, true, 1})
			}
			out = append(out, Conv{l.Name + ".project", e, l.Out, 1, 1, 1, false, s})
		}
	}
	return out
}

// FLOPs counts multiply-adds x2 of one network's forward pass on one image:
// convolutions (squeeze-excitation's included) and the head; batch norm,
// activations, pooling and the excitation's scaling are left out as
// before (they are under 3 % of an MBConv block's).
func (a Arch) FLOPs(classes int) int64 {
	var f int64
	for _, c := range a.Convs() {
		f += int64(2 * c.Side * c.Side * c.Out * (c.In / c.Group) * c.Kernel * c.Kernel)
	}
	return f + int64(2*a.Features()*classes)
}

// Params holds one network's parameters by name (without the network
// prefix): <conv>.w [out,in/group,k,k]; <conv>.bn.{scale,bias,mean,var}
// [C], or <conv>.b [C] for squeeze-excitation's; head.w [C,K];
// head.b [1,K]. The names and shapes are the ONNX initializers'.
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
		in := c.In / c.Group
		std := math.Sqrt(2 / float64(in*c.Kernel*c.Kernel))
		p[c.Name+".w"] = randn(rng, std, c.Out, in, c.Kernel, c.Kernel)
		if c.Bias {
			// Squeeze-excitation: the gate starts near sigmoid(0) = 1/2
			// for every channel.
			p[c.Name+".b"] = filled(0, c.Out)
			continue
		}
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

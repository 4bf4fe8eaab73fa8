// Package onnxexport writes a trained HIWL model (networks A and B) as one
// ONNX file that onnx-go loads: opset 9, batch 1, float32. Read takes the
// networks' architectures and weights back out of such a file.
//
// The graph has one input, "image" [1,3,S,S], and four outputs: the two
// networks' probabilities ("prob_a" [1,4], "prob_b" [1,2]) and their last
// feature maps ("feat_a", "feat_b" [1,C,s,s], C each network's last width)
// for class activation maps.
// The head weights stay initializers ("a.head.w", "b.head.w") so runtimes
// read them back for CAMs. Names are the ones package model expects.
//
// Operator choices follow what onnx-go's gorgonnx backend runs correctly:
// the linear head is MatMul+Add (its Gemm overwrites the bias between runs),
// the pooling is GlobalAveragePool, and the feature maps leave the graph
// through Identity nodes because onnx-go only keeps values of leaf nodes.
package onnxexport

import (
	"fmt"
	"maps"
	"slices"

	"github.com/hiwl/hiwl/model"
	"github.com/hiwl/hiwl/trainer/hiwlnet"
)

// Opset is the ONNX operator set version written.
const Opset = 9

// Metadata keys of each network's architecture (hiwlnet's spec), which
// Marshal writes and Read uses to rebuild the networks.
const (
	PropArchA = "hiwl.arch.a"
	PropArchB = "hiwl.arch.b"
)

// Info is descriptive metadata stored in the file.
type Info struct {
	Version      string            // producer version, e.g. the trainer's git describe
	ModelVersion int64             // ONNX model_version: the model's release number
	Doc          string            // free text: how the model was trained
	Metadata     map[string]string // key/value pairs (sorted on write)
}

// Marshal encodes networks A and B, each with its own backbone, into ONNX
// bytes. The two backbones must share the input side.
func Marshal(archA, archB hiwlnet.Arch, a, b hiwlnet.Params, info Info) ([]byte, error) {
	for _, arch := range []hiwlnet.Arch{archA, archB} {
		if err := arch.Validate(); err != nil {
			return nil, err
		}
	}
	if archA.Input != archB.Input {
		return nil, fmt.Errorf("onnxexport: networks A and B take %d and %d pixel inputs; one graph has one input", archA.Input, archB.Input)
	}
	s := int64(archA.Input)
	g := graph{
		name:    "hiwl",
		inputs:  []valueInfo{{model.InputName, []int64{1, 3, s, s}}},
		outputs: nil,
	}
	for _, net := range []struct {
		arch               hiwlnet.Arch
		prefix, prob, feat string
		classes            int
		p                  hiwlnet.Params
	}{
		{archA, "a", model.ProbAName, model.FeatAName, model.NumA, a},
		{archB, "b", model.ProbBName, model.FeatBName, model.NumB, b},
	} {
		if err := addNetwork(&g, net.arch, net.prefix, net.classes, net.p, net.prob, net.feat); err != nil {
			return nil, err
		}
		c, fs := int64(net.arch.Features()), int64(net.arch.FeatureSide())
		g.outputs = append(g.outputs,
			valueInfo{net.prob, []int64{1, int64(net.classes)}},
			valueInfo{net.feat, []int64{1, c, fs, fs}})
	}
	m := modelProto{producer: "hiwl trainer", version: info.Version, modelVersion: info.ModelVersion, doc: info.Doc, opset: Opset, graph: g}
	props := maps.Clone(info.Metadata)
	if props == nil {
		props = map[string]string{}
	}
	// What the file is, in numbers: Read rebuilds the networks from the
	// specs, and the model card quotes the costs.
	props[PropArchA], props[PropArchB] = archA.String(), archB.String()
	props["hiwl.params.a"], props["hiwl.params.b"] = fmt.Sprint(a.Count()), fmt.Sprint(b.Count())
	props["hiwl.mflops"] = fmt.Sprintf("%.2f", float64(archA.FLOPs(model.NumA)+archB.FLOPs(model.NumB))/1e6)
	for _, k := range slices.Sorted(maps.Keys(props)) {
		m.metadata = append(m.metadata, [2]string{k, props[k]})
	}
	return m.marshal(), nil
}

// netWriter writes one network's nodes and initializers into g, each
// name prefixed with the network's ("a" or "b").
type netWriter struct {
	g      *graph
	prefix string
	p      hiwlnet.Params
	convs  map[string]hiwlnet.Conv
	relu6  bool // the backbone's activation is ReLU6, not SiLU
	// bnEpsilon is the backbone's batch-norm epsilon (Arch.BNEpsilon).
	bnEpsilon float64
}

func addNetwork(g *graph, arch hiwlnet.Arch, prefix string, classes int, p hiwlnet.Params, probName, featName string) error {
	w := &netWriter{g: g, prefix: prefix, p: p, convs: map[string]hiwlnet.Conv{}, relu6: arch.Act == hiwlnet.ActReLU6, bnEpsilon: arch.BNEpsilon()}
	for _, c := range arch.Convs() {
		w.convs[c.Name] = c
	}
	h := model.InputName
	var err error
	for _, l := range arch.Layers {
		switch l.Kind {
		case hiwlnet.ConvBNReLU:
			if h, err = w.convBN(h, l.Name); err != nil {
				return err
			}
			h = w.add("Relu", l.Name+".relu", h)
		case hiwlnet.MaxPool:
			h = w.add("MaxPool", l.Name, h, ints("kernel_shape", 2, 2), ints("pads", 0, 0, 0, 0), ints("strides", 2, 2))
		case hiwlnet.Residual:
			r, err := w.convBN(h, l.Name+".c1")
			if err != nil {
				return err
			}
			r = w.add("Relu", l.Name+".c1.relu", r)
			if r, err = w.convBN(r, l.Name+".c2"); err != nil {
				return err
			}
			h = w.add("Relu", l.Name+".relu", w.add("Add", l.Name+".add", r, h))
		case hiwlnet.Stem, hiwlnet.Top:
			if h, err = w.convBN(h, l.Name); err != nil {
				return err
			}
			h = w.act(h, l.Name)
		case hiwlnet.MBConv:
			if h, err = w.mbconv(h, l); err != nil {
				return err
			}
		}
	}
	g.nodes = append(g.nodes, node{op: "Identity", name: featName, inputs: []string{h}, outputs: []string{featName}})
	pooled := w.add("Flatten", "flatten", w.add("GlobalAveragePool", "gap", h), integer("axis", 1))
	hw, err := w.param("head.w", int64(arch.Features()), int64(classes))
	if err != nil {
		return err
	}
	hb, err := w.param("head.b", 1, int64(classes))
	if err != nil {
		return err
	}
	logits := w.add("Add", "logits", w.add("MatMul", "matmul", pooled, hw), hb)
	g.nodes = append(g.nodes, node{op: "Softmax", name: probName, inputs: []string{logits}, outputs: []string{probName}, attrs: []attr{integer("axis", 1)}})
	return nil
}

// param adds parameter name as an initializer of the given dimensions.
func (w *netWriter) param(name string, dims ...int64) (string, error) {
	t, ok := w.p[name]
	if !ok {
		return "", fmt.Errorf("onnxexport: network %s has no parameter %s", w.prefix, name)
	}
	n := int64(1)
	for _, d := range dims {
		n *= d
	}
	data := t.Float32s()
	if int64(len(data)) != n {
		return "", fmt.Errorf("onnxexport: %s.%s has %d values, want %v", w.prefix, name, len(data), dims)
	}
	full := w.prefix + "." + name
	w.g.initializers = append(w.g.initializers, initializer{full, dims, append([]float32(nil), data...)})
	return full, nil
}

// add appends a node with one output, named like the node, and returns it.
// Inputs come first, then attributes; an argument of another type is a
// programming error.
func (w *netWriter) add(op, name string, args ...any) string {
	out := w.prefix + "." + name
	n := node{op: op, name: out, outputs: []string{out}}
	for _, a := range args {
		switch a := a.(type) {
		case string:
			n.inputs = append(n.inputs, a)
		case attr:
			n.attrs = append(n.attrs, a)
		default:
			panic(fmt.Sprintf("onnxexport: node argument %T", a))
		}
	}
	w.g.nodes = append(w.g.nodes, n)
	return out
}

// conv writes one convolution (group = channels for a depthwise one, a
// bias input for squeeze-excitation's), without its batch norm.
func (w *netWriter) conv(x, name string) (string, error) {
	c, ok := w.convs[name]
	if !ok {
		return "", fmt.Errorf("onnxexport: network %s has no convolution %s", w.prefix, name)
	}
	wt, err := w.param(c.Name+".w", int64(c.Out), int64(c.In/c.Group), int64(c.Kernel), int64(c.Kernel))
	if err != nil {
		return "", err
	}
	k, pad, st := int64(c.Kernel), int64(c.Kernel/2), int64(c.Stride)
	args := []any{x, wt}
	if c.Bias {
		b, err := w.param(c.Name+".b", int64(c.Out))
		if err != nil {
			return "", err
		}
		args = append(args, b)
	}
	args = append(args, ints("kernel_shape", k, k), ints("pads", pad, pad, pad, pad), ints("strides", st, st), ints("dilations", 1, 1))
	if c.Group > 1 {
		args = append(args, integer("group", int64(c.Group)))
	}
	return w.add("Conv", c.Name+".conv", args...), nil
}

func (w *netWriter) convBN(x, name string) (string, error) {
	h, err := w.conv(x, name)
	if err != nil {
		return "", err
	}
	args := []any{h}
	for _, part := range []string{"scale", "bias", "mean", "var"} {
		t, err := w.param(name+".bn."+part, int64(w.convs[name].Out))
		if err != nil {
			return "", err
		}
		args = append(args, t)
	}
	return w.add("BatchNormalization", name+".bn", append(args, float("epsilon", w.bnEpsilon))...), nil
}

// silu is x·sigmoid(x): opset 9 has no operator of its own for it.
func (w *netWriter) silu(x, name string) string {
	return w.add("Mul", name+".silu", x, w.add("Sigmoid", name+".sigmoid", x))
}

// act is the backbone's activation: SiLU, or ReLU6 as Clip (opset 9
// takes its bounds as attributes).
func (w *netWriter) act(x, name string) string {
	if w.relu6 {
		return w.add("Clip", name+".relu6", x, float("min", 0), float("max", 6))
	}
	return w.silu(x, name)
}

// mbconv writes one MBConv block: [expand 1x1, BN, activation], depthwise Conv
// (group = channels), BN, activation, [squeeze-excitation: GlobalAveragePool,
// 1x1 Conv with bias, SiLU, 1x1 Conv with bias, Sigmoid, Mul broadcasting
// [1,C,1,1] over the map], project 1x1, BN, [Add the input].
func (w *netWriter) mbconv(x string, l hiwlnet.Layer) (string, error) {
	h := x
	var err error
	if l.Expand != 1 {
		if h, err = w.convBN(h, l.Name+".expand"); err != nil {
			return "", err
		}
		h = w.act(h, l.Name+".expand")
	}
	if h, err = w.convBN(h, l.Name+".dw"); err != nil {
		return "", err
	}
	h = w.act(h, l.Name+".dw")
	if l.Squeeze > 0 {
		s := w.add("GlobalAveragePool", l.Name+".se.pool", h)
		if s, err = w.conv(s, l.Name+".se.c1"); err != nil {
			return "", err
		}
		s = w.silu(s, l.Name+".se.c1")
		if s, err = w.conv(s, l.Name+".se.c2"); err != nil {
			return "", err
		}
		h = w.add("Mul", l.Name+".se.scale", h, w.add("Sigmoid", l.Name+".se.gate", s))
	}
	if h, err = w.convBN(h, l.Name+".project"); err != nil {
		return "", err
	}
	if l.Stride == 1 && l.In == l.Out {
		h = w.add("Add", l.Name+".add", h, x)
	}
	return h, nil
}

func ints(name string, v ...int64) attr { return attr{name: name, ints: v} }

func integer(name string, v int64) attr { return attr{name: name, i: &v} }

func float(name string, v float64) attr {
	f := float32(v)
	return attr{name: name, f: &f}
}

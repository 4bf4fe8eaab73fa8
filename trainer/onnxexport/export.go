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
	"sort"

	"github.com/hiwl/hiwl/model"
	"github.com/hiwl/hiwl/trainer/hiwlnet"
)

// Opset is the ONNX operator set version written.
const Opset = 9

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
	keys := make([]string, 0, len(info.Metadata))
	for k := range info.Metadata {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		m.metadata = append(m.metadata, [2]string{k, info.Metadata[k]})
	}
	return m.marshal(), nil
}

func addNetwork(g *graph, arch hiwlnet.Arch, prefix string, classes int, p hiwlnet.Params, probName, featName string) error {
	param := func(name string, dims ...int64) (string, error) {
		t, ok := p[name]
		if !ok {
			return "", fmt.Errorf("onnxexport: network %s has no parameter %s", prefix, name)
		}
		n := int64(1)
		for _, d := range dims {
			n *= d
		}
		data := t.Float32s()
		if int64(len(data)) != n {
			return "", fmt.Errorf("onnxexport: %s.%s has %d values, want %v", prefix, name, len(data), dims)
		}
		full := prefix + "." + name
		g.initializers = append(g.initializers, initializer{full, dims, append([]float32(nil), data...)})
		return full, nil
	}
	add := func(op, name string, inputs []string, attrs ...attr) string {
		out := prefix + "." + name
		g.nodes = append(g.nodes, node{op: op, name: out, inputs: inputs, outputs: []string{out}, attrs: attrs})
		return out
	}
	convBN := func(x, name string, in, out int) (string, error) {
		w, err := param(name+".w", int64(out), int64(in), 3, 3)
		if err != nil {
			return "", err
		}
		h := add("Conv", name+".conv", []string{x, w},
			ints("kernel_shape", 3, 3), ints("pads", 1, 1, 1, 1), ints("strides", 1, 1), ints("dilations", 1, 1))
		bn := []string{h}
		for _, part := range []string{"scale", "bias", "mean", "var"} {
			t, err := param(name+".bn."+part, int64(out))
			if err != nil {
				return "", err
			}
			bn = append(bn, t)
		}
		return add("BatchNormalization", name+".bn", bn, float("epsilon", hiwlnet.BNEpsilon)), nil
	}

	h := model.InputName
	var err error
	for _, l := range arch.Layers {
		switch l.Kind {
		case hiwlnet.ConvBNReLU:
			if h, err = convBN(h, l.Name, l.In, l.Out); err != nil {
				return err
			}
			h = add("Relu", l.Name+".relu", []string{h})
		case hiwlnet.MaxPool:
			h = add("MaxPool", l.Name, []string{h}, ints("kernel_shape", 2, 2), ints("pads", 0, 0, 0, 0), ints("strides", 2, 2))
		case hiwlnet.Residual:
			r, err := convBN(h, l.Name+".c1", l.In, l.Out)
			if err != nil {
				return err
			}
			r = add("Relu", l.Name+".c1.relu", []string{r})
			if r, err = convBN(r, l.Name+".c2", l.Out, l.Out); err != nil {
				return err
			}
			h = add("Relu", l.Name+".relu", []string{add("Add", l.Name+".add", []string{r, h})})
		}
	}
	g.nodes = append(g.nodes, node{op: "Identity", name: featName, inputs: []string{h}, outputs: []string{featName}})
	pooled := add("Flatten", "flatten", []string{add("GlobalAveragePool", "gap", []string{h})}, integer("axis", 1))
	w, err := param("head.w", int64(arch.Features()), int64(classes))
	if err != nil {
		return err
	}
	b, err := param("head.b", 1, int64(classes))
	if err != nil {
		return err
	}
	logits := add("Add", "logits", []string{add("MatMul", "matmul", []string{pooled, w}), b})
	g.nodes = append(g.nodes, node{op: "Softmax", name: probName, inputs: []string{logits}, outputs: []string{probName}, attrs: []attr{integer("axis", 1)}})
	return nil
}

func ints(name string, v ...int64) attr { return attr{name: name, ints: v} }

func integer(name string, v int64) attr { return attr{name: name, i: &v} }

func float(name string, v float64) attr {
	f := float32(v)
	return attr{name: name, f: &f}
}

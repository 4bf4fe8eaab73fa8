package onnxexport

import (
	"math"

	"google.golang.org/protobuf/encoding/protowire"
)

// The few ONNX protobuf messages the exporter writes, encoded by hand with
// protowire: linking a second set of generated ONNX types next to onnx-go's
// makes protobuf panic at start-up ("onnx.AttributeProto is already
// registered"). Field numbers are those of onnx.proto.

type attr struct {
	name string
	ints []int64
	i    *int64
	f    *float32
}

type node struct {
	op      string
	name    string
	inputs  []string
	outputs []string
	attrs   []attr
}

type initializer struct {
	name string
	dims []int64
	data []float32
}

type valueInfo struct {
	name string
	dims []int64
}

type graph struct {
	name         string
	nodes        []node
	initializers []initializer
	inputs       []valueInfo
	outputs      []valueInfo
}

type modelProto struct {
	producer, version, doc string
	modelVersion           int64
	opset                  int64
	metadata               [][2]string
	graph                  graph
}

const (
	attrFloat = 1
	attrInt   = 2
	attrInts  = 7
	dtFloat32 = 1
	irVersion = 4 // initializers need not be listed as graph inputs
)

func (m *modelProto) marshal() []byte {
	var b []byte
	b = appendVarint(b, 1, irVersion)
	b = appendString(b, 2, m.producer)
	b = appendString(b, 3, m.version)
	if m.modelVersion != 0 {
		b = appendVarint(b, 5, uint64(m.modelVersion))
	}
	b = appendString(b, 6, m.doc)
	b = appendBytes(b, 7, m.graph.marshal())
	var opset []byte
	opset = appendString(opset, 1, "")
	opset = appendVarint(opset, 2, uint64(m.opset))
	b = appendBytes(b, 8, opset)
	for _, kv := range m.metadata {
		var e []byte
		e = appendString(e, 1, kv[0])
		e = appendString(e, 2, kv[1])
		b = appendBytes(b, 14, e)
	}
	return b
}

func (g *graph) marshal() []byte {
	var b []byte
	for _, n := range g.nodes {
		b = appendBytes(b, 1, n.marshal())
	}
	b = appendString(b, 2, g.name)
	for _, t := range g.initializers {
		b = appendBytes(b, 5, t.marshal())
	}
	for _, v := range g.inputs {
		b = appendBytes(b, 11, v.marshal())
	}
	for _, v := range g.outputs {
		b = appendBytes(b, 12, v.marshal())
	}
	return b
}

func (n *node) marshal() []byte {
	var b []byte
	for _, s := range n.inputs {
		b = appendString(b, 1, s)
	}
	for _, s := range n.outputs {
		b = appendString(b, 2, s)
	}
	b = appendString(b, 3, n.name)
	b = appendString(b, 4, n.op)
	for _, a := range n.attrs {
		b = appendBytes(b, 5, a.marshal())
	}
	return b
}

func (a *attr) marshal() []byte {
	var b []byte
	b = appendString(b, 1, a.name)
	switch {
	case a.f != nil:
		b = protowire.AppendTag(b, 2, protowire.Fixed32Type)
		b = protowire.AppendFixed32(b, math.Float32bits(*a.f))
		b = appendVarint(b, 20, attrFloat)
	case a.i != nil:
		b = appendVarint(b, 3, uint64(*a.i))
		b = appendVarint(b, 20, attrInt)
	default:
		var packed []byte
		for _, v := range a.ints {
			packed = protowire.AppendVarint(packed, uint64(v))
		}
		b = appendBytes(b, 8, packed)
		b = appendVarint(b, 20, attrInts)
	}
	return b
}

func (t *initializer) marshal() []byte {
	var b []byte
	var dims []byte
	for _, d := range t.dims {
		dims = protowire.AppendVarint(dims, uint64(d))
	}
	b = appendBytes(b, 1, dims)
	b = appendVarint(b, 2, dtFloat32)
	b = appendString(b, 8, t.name)
	raw := make([]byte, 0, 4*len(t.data))
	for _, v := range t.data {
		raw = protowire.AppendFixed32(raw, math.Float32bits(v))
	}
	b = appendBytes(b, 9, raw) // raw_data, little-endian
	return b
}

func (v *valueInfo) marshal() []byte {
	var shape []byte
	for _, d := range v.dims {
		var dim []byte
		dim = appendVarint(dim, 1, uint64(d))
		shape = appendBytes(shape, 1, dim)
	}
	var tensorType []byte
	tensorType = appendVarint(tensorType, 1, dtFloat32)
	tensorType = appendBytes(tensorType, 2, shape)
	var typ []byte
	typ = appendBytes(typ, 1, tensorType)
	var b []byte
	b = appendString(b, 1, v.name)
	b = appendBytes(b, 2, typ)
	return b
}

func appendVarint(b []byte, field protowire.Number, v uint64) []byte {
	b = protowire.AppendTag(b, field, protowire.VarintType)
	return protowire.AppendVarint(b, v)
}

func appendBytes(b []byte, field protowire.Number, v []byte) []byte {
	b = protowire.AppendTag(b, field, protowire.BytesType)
	return protowire.AppendBytes(b, v)
}

func appendString(b []byte, field protowire.Number, s string) []byte {
	if s == "" {
		return b
	}
	b = protowire.AppendTag(b, field, protowire.BytesType)
	return protowire.AppendString(b, s)
}

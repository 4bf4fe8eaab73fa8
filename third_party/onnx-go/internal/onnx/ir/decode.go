// hiwl: this file is new. It decodes onnx.proto3's messages from the
// protobuf wire format with google.golang.org/protobuf/encoding/protowire,
// field by field, instead of golang/protobuf's reflection-based
// proto.Unmarshal over generated types. See ../../../HIWL.md.

package ir

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"unicode/utf8"
	"unsafe"

	"google.golang.org/protobuf/encoding/protowire"
)

// Decoding follows protobuf's rules for proto3 messages, as proto.Unmarshal
// applied them to the generated types this package had before:
//   - unknown fields, and known fields with another wire type, are
//     skipped;
//   - a scalar field seen twice keeps its last value; a repeated one
//     appends, packed or not; a message field seen twice is merged (and a
//     oneof's message when the oneof holds the same kind);
//   - an empty singular bytes field (AttributeProto.s, TensorProto.raw_data)
//     leaves nil, an empty packed field adds nothing, so onnx-go's tests
//     for nil slices mean what they meant;
//   - strings must be valid UTF-8;
//   - truncated or malformed data, and packed fixed-size data whose length
//     is not a multiple of the element size, are errors.
//
// Byte fields (AttributeProto.s and strings, TensorProto.raw_data and
// string_data) alias the decoded buffer instead of copying it: onnx-go
// only reads them while it builds its tensors and attributes.
//
// Every allocation is bounded by the input: a slice is sized from the
// bytes that encode it, and each message decoded takes at least two
// bytes of input. Graphs nested in attributes deeper than maxGraphDepth
// are refused, so that recursion stays bounded too.

// maxGraphDepth bounds how deeply graphs nest in attributes (If, Loop,
// Scan bodies); ONNX models nest a few levels at most.
const maxGraphDepth = 32

var (
	errDepth      = errors.New("graphs nested too deeply")
	errPacked     = errors.New("packed field length is not a multiple of its element size")
	errUTF8       = errors.New("string field is not valid UTF-8")
	errBadVarints = errors.New("bad varint in a packed field")
)

// Unmarshal decodes a serialised ModelProto into m.
func (m *ModelProto) Unmarshal(b []byte) error {
	if err := m.decode(b); err != nil {
		return fmt.Errorf("onnx: cannot decode ModelProto: %v", err)
	}
	return nil
}

// Unmarshal decodes a serialised TensorProto into m.
func (m *TensorProto) Unmarshal(b []byte) error {
	if err := m.decode(b); err != nil {
		return fmt.Errorf("onnx: cannot decode TensorProto: %v", err)
	}
	return nil
}

// field is one field read from the wire: its number and type, and its
// value, in u for a varint or fixed-size field, in v for a length-
// delimited one (aliasing the message's bytes).
type field struct {
	num protowire.Number
	typ protowire.Type
	u   uint64
	v   []byte
}

// next reads the field at the start of b into f and returns the bytes
// after it. Groups (deprecated, not in onnx.proto) are skipped whole.
func (f *field) next(b []byte) ([]byte, error) {
	num, typ, n := protowire.ConsumeTag(b)
	if n < 0 {
		return nil, protowire.ParseError(n)
	}
	b = b[n:]
	f.num, f.typ, f.u, f.v = num, typ, 0, nil
	switch typ {
	case protowire.VarintType:
		f.u, n = protowire.ConsumeVarint(b)
	case protowire.Fixed32Type:
		var x uint32
		x, n = protowire.ConsumeFixed32(b)
		f.u = uint64(x)
	case protowire.Fixed64Type:
		f.u, n = protowire.ConsumeFixed64(b)
	case protowire.BytesType:
		f.v, n = protowire.ConsumeBytes(b)
	default:
		n = protowire.ConsumeFieldValue(num, typ, b)
	}
	if n < 0 {
		return nil, protowire.ParseError(n)
	}
	return b[n:], nil
}

func (f *field) varint() bool { return f.typ == protowire.VarintType }
func (f *field) bytes() bool  { return f.typ == protowire.BytesType }

// str is the field's value as a string.
func (f *field) str() (string, error) {
	if !utf8.Valid(f.v) {
		return "", errUTF8
	}
	return string(f.v), nil
}

// nonEmpty is a singular bytes field's value: nil when empty.
func (f *field) nonEmpty() []byte {
	if len(f.v) == 0 {
		return nil
	}
	return f.v
}

// wrap names the message and field an error was met in.
func wrap(msg, name string, err error) error {
	if name == "" {
		return fmt.Errorf("%s: %w", msg, err)
	}
	return fmt.Errorf("%s.%s: %w", msg, name, err)
}

// appendFloat32s appends a float field's values, packed or not.
func appendFloat32s(s []float32, f *field) ([]float32, error) {
	switch f.typ {
	case protowire.Fixed32Type:
		return append(s, math.Float32frombits(uint32(f.u))), nil
	case protowire.BytesType:
		b := f.v
		if len(b)%4 != 0 {
			return s, errPacked
		}
		n := len(b) / 4
		if n == 0 {
			return s, nil
		}
		if cap(s)-len(s) < n {
			t := make([]float32, len(s), len(s)+n)
			copy(t, s)
			s = t
		}
		d := s[len(s) : len(s)+n]
		if littleEndian() {
			// The wire's bytes are the floats' memory: one copy instead of
			// a conversion per value, which wasm runs slowly before V8 has
			// optimised it.
			copy(unsafe.Slice((*byte)(unsafe.Pointer(&d[0])), len(b)), b)
		} else {
			for i := range d {
				d[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
			}
		}
		return s[:len(s)+n], nil
	}
	return s, nil
}

// appendFloat64s appends a double field's values, packed or not.
func appendFloat64s(s []float64, f *field) ([]float64, error) {
	switch f.typ {
	case protowire.Fixed64Type:
		return append(s, math.Float64frombits(f.u)), nil
	case protowire.BytesType:
		b := f.v
		if len(b)%8 != 0 {
			return s, errPacked
		}
		n := len(b) / 8
		if n == 0 {
			return s, nil
		}
		if cap(s)-len(s) < n {
			t := make([]float64, len(s), len(s)+n)
			copy(t, s)
			s = t
		}
		d := s[len(s) : len(s)+n]
		if littleEndian() {
			copy(unsafe.Slice((*byte)(unsafe.Pointer(&d[0])), len(b)), b)
		} else {
			for i := range d {
				d[i] = math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:]))
			}
		}
		return s[:len(s)+n], nil
	}
	return s, nil
}

// littleEndian says whether this machine stores numbers as protobuf's
// fixed-size fields do (amd64, arm64, wasm and most others). A function,
// not a variable, so that the package has nothing to initialise.
func littleEndian() bool {
	x := uint16(1)
	return *(*byte)(unsafe.Pointer(&x)) == 1
}

// countVarints is how many varints a packed field holds: one ends at
// each byte below 0x80 (exact for well-formed data, at most len(b)).
func countVarints(b []byte) int {
	n := 0
	for _, c := range b {
		if c < 0x80 {
			n++
		}
	}
	return n
}

// appendInt64s appends an int64 field's values, packed or not.
func appendInt64s(s []int64, f *field) ([]int64, error) {
	switch f.typ {
	case protowire.VarintType:
		return append(s, int64(f.u)), nil
	case protowire.BytesType:
		if n := countVarints(f.v); cap(s)-len(s) < n {
			t := make([]int64, len(s), len(s)+n)
			copy(t, s)
			s = t
		}
		for b := f.v; len(b) > 0; {
			x, k := protowire.ConsumeVarint(b)
			if k < 0 {
				return s, errBadVarints
			}
			s = append(s, int64(x))
			b = b[k:]
		}
	}
	return s, nil
}

// appendInt32s appends an int32 field's values, packed or not; like
// protobuf, it keeps a varint's low 32 bits.
func appendInt32s(s []int32, f *field) ([]int32, error) {
	switch f.typ {
	case protowire.VarintType:
		return append(s, int32(f.u)), nil
	case protowire.BytesType:
		if n := countVarints(f.v); cap(s)-len(s) < n {
			t := make([]int32, len(s), len(s)+n)
			copy(t, s)
			s = t
		}
		for b := f.v; len(b) > 0; {
			x, k := protowire.ConsumeVarint(b)
			if k < 0 {
				return s, errBadVarints
			}
			s = append(s, int32(x))
			b = b[k:]
		}
	}
	return s, nil
}

// appendUint64s appends a uint64 field's values, packed or not.
func appendUint64s(s []uint64, f *field) ([]uint64, error) {
	switch f.typ {
	case protowire.VarintType:
		return append(s, f.u), nil
	case protowire.BytesType:
		if n := countVarints(f.v); cap(s)-len(s) < n {
			t := make([]uint64, len(s), len(s)+n)
			copy(t, s)
			s = t
		}
		for b := f.v; len(b) > 0; {
			x, k := protowire.ConsumeVarint(b)
			if k < 0 {
				return s, errBadVarints
			}
			s = append(s, x)
			b = b[k:]
		}
	}
	return s, nil
}

func (m *ModelProto) decode(b []byte) error {
	var f field
	for len(b) > 0 {
		var err error
		if b, err = f.next(b); err != nil {
			return wrap("ModelProto", "", err)
		}
		switch f.num {
		case 1:
			if f.varint() {
				m.IrVersion = int64(f.u)
			}
		case 2:
			if f.bytes() {
				if m.ProducerName, err = f.str(); err != nil {
					return wrap("ModelProto", "producer_name", err)
				}
			}
		case 3:
			if f.bytes() {
				if m.ProducerVersion, err = f.str(); err != nil {
					return wrap("ModelProto", "producer_version", err)
				}
			}
		case 4:
			if f.bytes() {
				if m.Domain, err = f.str(); err != nil {
					return wrap("ModelProto", "domain", err)
				}
			}
		case 5:
			if f.varint() {
				m.ModelVersion = int64(f.u)
			}
		case 6:
			if f.bytes() {
				if m.DocString, err = f.str(); err != nil {
					return wrap("ModelProto", "doc_string", err)
				}
			}
		case 7:
			if f.bytes() {
				if m.Graph == nil {
					m.Graph = new(GraphProto)
				}
				if err := m.Graph.decode(f.v, 0); err != nil {
					return wrap("ModelProto", "graph", err)
				}
			}
		case 8:
			if f.bytes() {
				o := new(OperatorSetIdProto)
				if err := o.decode(f.v); err != nil {
					return wrap("ModelProto", "opset_import", err)
				}
				m.OpsetImport = append(m.OpsetImport, o)
			}
		case 14:
			if f.bytes() {
				e := new(StringStringEntryProto)
				if err := e.decode(f.v); err != nil {
					return wrap("ModelProto", "metadata_props", err)
				}
				m.MetadataProps = append(m.MetadataProps, e)
			}
		}
	}
	return nil
}

func (m *OperatorSetIdProto) decode(b []byte) error {
	var f field
	for len(b) > 0 {
		var err error
		if b, err = f.next(b); err != nil {
			return wrap("OperatorSetIdProto", "", err)
		}
		switch {
		case f.num == 1 && f.bytes():
			if m.Domain, err = f.str(); err != nil {
				return wrap("OperatorSetIdProto", "domain", err)
			}
		case f.num == 2 && f.varint():
			m.Version = int64(f.u)
		}
	}
	return nil
}

func (m *StringStringEntryProto) decode(b []byte) error {
	var f field
	for len(b) > 0 {
		var err error
		if b, err = f.next(b); err != nil {
			return wrap("StringStringEntryProto", "", err)
		}
		switch {
		case f.num == 1 && f.bytes():
			if m.Key, err = f.str(); err != nil {
				return wrap("StringStringEntryProto", "key", err)
			}
		case f.num == 2 && f.bytes():
			if m.Value, err = f.str(); err != nil {
				return wrap("StringStringEntryProto", "value", err)
			}
		}
	}
	return nil
}

// decode reads a graph nested depth graphs deep in attributes.
func (m *GraphProto) decode(b []byte, depth int) error {
	if depth > maxGraphDepth {
		return errDepth
	}
	var f field
	for len(b) > 0 {
		var err error
		if b, err = f.next(b); err != nil {
			return wrap("GraphProto", "", err)
		}
		if !f.bytes() {
			continue // every field of GraphProto is length-delimited
		}
		switch f.num {
		case 1:
			n := new(NodeProto)
			if err := n.decode(f.v, depth); err != nil {
				return wrap("GraphProto", "node", err)
			}
			m.Node = append(m.Node, n)
		case 2:
			if m.Name, err = f.str(); err != nil {
				return wrap("GraphProto", "name", err)
			}
		case 5:
			t := new(TensorProto)
			if err := t.decode(f.v); err != nil {
				return wrap("GraphProto", "initializer", err)
			}
			m.Initializer = append(m.Initializer, t)
		case 10:
			if m.DocString, err = f.str(); err != nil {
				return wrap("GraphProto", "doc_string", err)
			}
		case 11, 12, 13:
			v := new(ValueInfoProto)
			if err := v.decode(f.v); err != nil {
				return wrap("GraphProto", [...]string{"input", "output", "value_info"}[f.num-11], err)
			}
			switch f.num {
			case 11:
				m.Input = append(m.Input, v)
			case 12:
				m.Output = append(m.Output, v)
			default:
				m.ValueInfo = append(m.ValueInfo, v)
			}
		}
	}
	return nil
}

func (m *NodeProto) decode(b []byte, depth int) error {
	var f field
	for len(b) > 0 {
		var err error
		if b, err = f.next(b); err != nil {
			return wrap("NodeProto", "", err)
		}
		if !f.bytes() {
			continue // every field of NodeProto is length-delimited
		}
		var s string
		switch f.num {
		case 1:
			if s, err = f.str(); err != nil {
				return wrap("NodeProto", "input", err)
			}
			m.Input = append(m.Input, s)
		case 2:
			if s, err = f.str(); err != nil {
				return wrap("NodeProto", "output", err)
			}
			m.Output = append(m.Output, s)
		case 3:
			if m.Name, err = f.str(); err != nil {
				return wrap("NodeProto", "name", err)
			}
		case 4:
			if m.OpType, err = f.str(); err != nil {
				return wrap("NodeProto", "op_type", err)
			}
		case 5:
			a := new(AttributeProto)
			if err := a.decode(f.v, depth); err != nil {
				return wrap("NodeProto", "attribute", err)
			}
			m.Attribute = append(m.Attribute, a)
		case 6:
			if m.DocString, err = f.str(); err != nil {
				return wrap("NodeProto", "doc_string", err)
			}
		case 7:
			if m.Domain, err = f.str(); err != nil {
				return wrap("NodeProto", "domain", err)
			}
		}
	}
	return nil
}

func (m *AttributeProto) decode(b []byte, depth int) error {
	var f field
	for len(b) > 0 {
		var err error
		if b, err = f.next(b); err != nil {
			return wrap("AttributeProto", "", err)
		}
		switch f.num {
		case 1:
			if f.bytes() {
				if m.Name, err = f.str(); err != nil {
					return wrap("AttributeProto", "name", err)
				}
			}
		case 2:
			if f.typ == protowire.Fixed32Type {
				m.F = math.Float32frombits(uint32(f.u))
			}
		case 3:
			if f.varint() {
				m.I = int64(f.u)
			}
		case 4:
			if f.bytes() {
				m.S = f.nonEmpty()
			}
		case 5:
			if f.bytes() {
				if m.T == nil {
					m.T = new(TensorProto)
				}
				if err := m.T.decode(f.v); err != nil {
					return wrap("AttributeProto", "t", err)
				}
			}
		case 6:
			if f.bytes() {
				if m.G == nil {
					m.G = new(GraphProto)
				}
				if err := m.G.decode(f.v, depth+1); err != nil {
					return wrap("AttributeProto", "g", err)
				}
			}
		case 7:
			if m.Floats, err = appendFloat32s(m.Floats, &f); err != nil {
				return wrap("AttributeProto", "floats", err)
			}
		case 8:
			if m.Ints, err = appendInt64s(m.Ints, &f); err != nil {
				return wrap("AttributeProto", "ints", err)
			}
		case 9:
			if f.bytes() {
				m.Strings = append(m.Strings, f.v)
			}
		case 10:
			if f.bytes() {
				t := new(TensorProto)
				if err := t.decode(f.v); err != nil {
					return wrap("AttributeProto", "tensors", err)
				}
				m.Tensors = append(m.Tensors, t)
			}
		case 11:
			if f.bytes() {
				g := new(GraphProto)
				if err := g.decode(f.v, depth+1); err != nil {
					return wrap("AttributeProto", "graphs", err)
				}
				m.Graphs = append(m.Graphs, g)
			}
		case 13:
			if f.bytes() {
				if m.DocString, err = f.str(); err != nil {
					return wrap("AttributeProto", "doc_string", err)
				}
			}
		case 20:
			if f.varint() {
				m.Type = AttributeProto_AttributeType(int32(f.u))
			}
		case 21:
			if f.bytes() {
				if m.RefAttrName, err = f.str(); err != nil {
					return wrap("AttributeProto", "ref_attr_name", err)
				}
			}
		}
	}
	return nil
}

func (m *ValueInfoProto) decode(b []byte) error {
	var f field
	for len(b) > 0 {
		var err error
		if b, err = f.next(b); err != nil {
			return wrap("ValueInfoProto", "", err)
		}
		if !f.bytes() {
			continue // every field of ValueInfoProto is length-delimited
		}
		switch f.num {
		case 1:
			if m.Name, err = f.str(); err != nil {
				return wrap("ValueInfoProto", "name", err)
			}
		case 2:
			if m.Type == nil {
				m.Type = new(TypeProto)
			}
			if err := m.Type.decode(f.v); err != nil {
				return wrap("ValueInfoProto", "type", err)
			}
		case 3:
			if m.DocString, err = f.str(); err != nil {
				return wrap("ValueInfoProto", "doc_string", err)
			}
		}
	}
	return nil
}

func (m *TypeProto) decode(b []byte) error {
	var f field
	for len(b) > 0 {
		var err error
		if b, err = f.next(b); err != nil {
			return wrap("TypeProto", "", err)
		}
		switch {
		case f.num == 1 && f.bytes():
			tt, ok := m.Value.(*TypeProto_TensorType)
			if !ok || tt == nil {
				tt = new(TypeProto_TensorType)
				m.Value = tt
			}
			if tt.TensorType == nil {
				tt.TensorType = new(TypeProto_Tensor)
			}
			if err := tt.TensorType.decode(f.v); err != nil {
				return wrap("TypeProto", "tensor_type", err)
			}
		case f.num == 6 && f.bytes():
			if m.Denotation, err = f.str(); err != nil {
				return wrap("TypeProto", "denotation", err)
			}
		}
	}
	return nil
}

func (m *TypeProto_Tensor) decode(b []byte) error {
	var f field
	for len(b) > 0 {
		var err error
		if b, err = f.next(b); err != nil {
			return wrap("TypeProto.Tensor", "", err)
		}
		switch {
		case f.num == 1 && f.varint():
			m.ElemType = int32(f.u)
		case f.num == 2 && f.bytes():
			if m.Shape == nil {
				m.Shape = new(TensorShapeProto)
			}
			if err := m.Shape.decode(f.v); err != nil {
				return wrap("TypeProto.Tensor", "shape", err)
			}
		}
	}
	return nil
}

func (m *TensorShapeProto) decode(b []byte) error {
	var f field
	for len(b) > 0 {
		var err error
		if b, err = f.next(b); err != nil {
			return wrap("TensorShapeProto", "", err)
		}
		if f.num == 1 && f.bytes() {
			d := new(TensorShapeProto_Dimension)
			if err := d.decode(f.v); err != nil {
				return wrap("TensorShapeProto", "dim", err)
			}
			m.Dim = append(m.Dim, d)
		}
	}
	return nil
}

func (m *TensorShapeProto_Dimension) decode(b []byte) error {
	var f field
	for len(b) > 0 {
		var err error
		if b, err = f.next(b); err != nil {
			return wrap("TensorShapeProto.Dimension", "", err)
		}
		switch {
		case f.num == 1 && f.varint():
			m.Value = &TensorShapeProto_Dimension_DimValue{DimValue: int64(f.u)}
		case f.num == 2 && f.bytes():
			s, err := f.str()
			if err != nil {
				return wrap("TensorShapeProto.Dimension", "dim_param", err)
			}
			m.Value = &TensorShapeProto_Dimension_DimParam{DimParam: s}
		case f.num == 3 && f.bytes():
			if m.Denotation, err = f.str(); err != nil {
				return wrap("TensorShapeProto.Dimension", "denotation", err)
			}
		}
	}
	return nil
}

func (m *TensorProto) decode(b []byte) error {
	var f field
	for len(b) > 0 {
		var err error
		if b, err = f.next(b); err != nil {
			return wrap("TensorProto", "", err)
		}
		switch f.num {
		case 1:
			if m.Dims, err = appendInt64s(m.Dims, &f); err != nil {
				return wrap("TensorProto", "dims", err)
			}
		case 2:
			if f.varint() {
				m.DataType = int32(f.u)
			}
		case 3:
			if f.bytes() {
				if m.Segment == nil {
					m.Segment = new(TensorProto_Segment)
				}
				if err := m.Segment.decode(f.v); err != nil {
					return wrap("TensorProto", "segment", err)
				}
			}
		case 4:
			if m.FloatData, err = appendFloat32s(m.FloatData, &f); err != nil {
				return wrap("TensorProto", "float_data", err)
			}
		case 5:
			if m.Int32Data, err = appendInt32s(m.Int32Data, &f); err != nil {
				return wrap("TensorProto", "int32_data", err)
			}
		case 6:
			if f.bytes() {
				m.StringData = append(m.StringData, f.v)
			}
		case 7:
			if m.Int64Data, err = appendInt64s(m.Int64Data, &f); err != nil {
				return wrap("TensorProto", "int64_data", err)
			}
		case 8:
			if f.bytes() {
				if m.Name, err = f.str(); err != nil {
					return wrap("TensorProto", "name", err)
				}
			}
		case 9:
			if f.bytes() {
				m.RawData = f.nonEmpty()
			}
		case 10:
			if m.DoubleData, err = appendFloat64s(m.DoubleData, &f); err != nil {
				return wrap("TensorProto", "double_data", err)
			}
		case 11:
			if m.Uint64Data, err = appendUint64s(m.Uint64Data, &f); err != nil {
				return wrap("TensorProto", "uint64_data", err)
			}
		case 12:
			if f.bytes() {
				if m.DocString, err = f.str(); err != nil {
					return wrap("TensorProto", "doc_string", err)
				}
			}
		}
	}
	return nil
}

func (m *TensorProto_Segment) decode(b []byte) error {
	var f field
	for len(b) > 0 {
		var err error
		if b, err = f.next(b); err != nil {
			return wrap("TensorProto.Segment", "", err)
		}
		switch {
		case f.num == 1 && f.varint():
			m.Begin = int64(f.u)
		case f.num == 2 && f.varint():
			m.End = int64(f.u)
		}
	}
	return nil
}

// hiwl: this file replaces onnx.proto3.pb.go, protoc-gen-go's code for
// onnx.proto3 (IR version 3, as onnx-go v0.5.0 ships it). The messages
// are plain structs with the generated code's field names, Go types and
// getters, and without protobuf's reflection: no registration, no
// descriptor and no XXX_ methods. decode.go reads them from the wire
// format. See ../../../HIWL.md.

package ir

import "strconv"

// Version is the IR version enum of onnx.proto3.
type Version int32

// Version's values.
const (
	Version__START_VERSION        Version = 0
	Version_IR_VERSION_2017_10_10 Version = 1
	Version_IR_VERSION_2017_10_30 Version = 2
	Version_IR_VERSION            Version = 3
)

var versionNames = [...]string{"_START_VERSION", "IR_VERSION_2017_10_10", "IR_VERSION_2017_10_30", "IR_VERSION"}

func (x Version) String() string { return enumName(versionNames[:], int32(x)) }

// AttributeProto_AttributeType says which of an AttributeProto's fields
// holds its value.
type AttributeProto_AttributeType int32

// AttributeProto_AttributeType's values.
const (
	AttributeProto_UNDEFINED AttributeProto_AttributeType = 0
	AttributeProto_FLOAT     AttributeProto_AttributeType = 1
	AttributeProto_INT       AttributeProto_AttributeType = 2
	AttributeProto_STRING    AttributeProto_AttributeType = 3
	AttributeProto_TENSOR    AttributeProto_AttributeType = 4
	AttributeProto_GRAPH     AttributeProto_AttributeType = 5
	AttributeProto_FLOATS    AttributeProto_AttributeType = 6
	AttributeProto_INTS      AttributeProto_AttributeType = 7
	AttributeProto_STRINGS   AttributeProto_AttributeType = 8
	AttributeProto_TENSORS   AttributeProto_AttributeType = 9
	AttributeProto_GRAPHS    AttributeProto_AttributeType = 10
)

var attributeTypeNames = [...]string{"UNDEFINED", "FLOAT", "INT", "STRING", "TENSOR", "GRAPH", "FLOATS", "INTS", "STRINGS", "TENSORS", "GRAPHS"}

func (x AttributeProto_AttributeType) String() string {
	return enumName(attributeTypeNames[:], int32(x))
}

// TensorProto_DataType is a tensor's element type.
type TensorProto_DataType int32

// TensorProto_DataType's values.
const (
	TensorProto_UNDEFINED  TensorProto_DataType = 0
	TensorProto_FLOAT      TensorProto_DataType = 1
	TensorProto_UINT8      TensorProto_DataType = 2
	TensorProto_INT8       TensorProto_DataType = 3
	TensorProto_UINT16     TensorProto_DataType = 4
	TensorProto_INT16      TensorProto_DataType = 5
	TensorProto_INT32      TensorProto_DataType = 6
	TensorProto_INT64      TensorProto_DataType = 7
	TensorProto_STRING     TensorProto_DataType = 8
	TensorProto_BOOL       TensorProto_DataType = 9
	TensorProto_FLOAT16    TensorProto_DataType = 10
	TensorProto_DOUBLE     TensorProto_DataType = 11
	TensorProto_UINT32     TensorProto_DataType = 12
	TensorProto_UINT64     TensorProto_DataType = 13
	TensorProto_COMPLEX64  TensorProto_DataType = 14
	TensorProto_COMPLEX128 TensorProto_DataType = 15
	TensorProto_BFLOAT16   TensorProto_DataType = 16
)

var dataTypeNames = [...]string{"UNDEFINED", "FLOAT", "UINT8", "INT8", "UINT16", "INT16", "INT32", "INT64", "STRING", "BOOL", "FLOAT16", "DOUBLE", "UINT32", "UINT64", "COMPLEX64", "COMPLEX128", "BFLOAT16"}

func (x TensorProto_DataType) String() string { return enumName(dataTypeNames[:], int32(x)) }

// enumName is the name of value v, or its number as protobuf's
// proto.EnumName gives it for a value without a name.
func enumName(names []string, v int32) string {
	if v >= 0 && int(v) < len(names) {
		return names[v]
	}
	return strconv.Itoa(int(v))
}

// AttributeProto is a named attribute of a node: one value of the kind
// Type names.
type AttributeProto struct {
	Name        string
	RefAttrName string
	DocString   string
	Type        AttributeProto_AttributeType
	F           float32
	I           int64
	S           []byte
	T           *TensorProto
	G           *GraphProto
	Floats      []float32
	Ints        []int64
	Strings     [][]byte
	Tensors     []*TensorProto
	Graphs      []*GraphProto
}

// ValueInfoProto is a value's name and type: a graph's input, output or
// intermediate value.
type ValueInfoProto struct {
	Name      string
	Type      *TypeProto
	DocString string
}

// NodeProto is one operation of a graph.
type NodeProto struct {
	Input     []string
	Output    []string
	Name      string
	OpType    string
	Domain    string
	Attribute []*AttributeProto
	DocString string
}

// ModelProto is an ONNX file: a graph and what describes it.
type ModelProto struct {
	IrVersion       int64
	OpsetImport     []*OperatorSetIdProto
	ProducerName    string
	ProducerVersion string
	Domain          string
	ModelVersion    int64
	DocString       string
	Graph           *GraphProto
	MetadataProps   []*StringStringEntryProto
}

// StringStringEntryProto is a key and its value.
type StringStringEntryProto struct {
	Key   string
	Value string
}

// GraphProto is a computation graph: nodes, initializers and the values
// going in and out.
type GraphProto struct {
	Node        []*NodeProto
	Name        string
	Initializer []*TensorProto
	DocString   string
	Input       []*ValueInfoProto
	Output      []*ValueInfoProto
	ValueInfo   []*ValueInfoProto
}

// TensorProto is a tensor's dimensions, type and values. Its byte
// fields (StringData, RawData) alias the buffer it was decoded from.
type TensorProto struct {
	Dims       []int64
	DataType   int32
	Segment    *TensorProto_Segment
	FloatData  []float32
	Int32Data  []int32
	StringData [][]byte
	Int64Data  []int64
	Name       string
	DocString  string
	RawData    []byte
	DoubleData []float64
	Uint64Data []uint64
}

// TensorProto_Segment is the part of a tensor a segmented TensorProto
// holds.
type TensorProto_Segment struct {
	Begin int64
	End   int64
}

// TensorShapeProto is a tensor's shape.
type TensorShapeProto struct {
	Dim []*TensorShapeProto_Dimension
}

// TensorShapeProto_Dimension is one dimension: a size, a symbolic name,
// or nothing.
type TensorShapeProto_Dimension struct {
	// Value is a *TensorShapeProto_Dimension_DimValue, a
	// *TensorShapeProto_Dimension_DimParam or nil.
	Value      isTensorShapeProto_Dimension_Value
	Denotation string
}

type isTensorShapeProto_Dimension_Value interface {
	isTensorShapeProto_Dimension_Value()
}

// TensorShapeProto_Dimension_DimValue is a dimension's size.
type TensorShapeProto_Dimension_DimValue struct {
	DimValue int64
}

// TensorShapeProto_Dimension_DimParam is a dimension's symbolic name.
type TensorShapeProto_Dimension_DimParam struct {
	DimParam string
}

func (*TensorShapeProto_Dimension_DimValue) isTensorShapeProto_Dimension_Value() {}

func (*TensorShapeProto_Dimension_DimParam) isTensorShapeProto_Dimension_Value() {}

// TypeProto is a value's type; IR version 3 knows only tensors.
type TypeProto struct {
	// Value is a *TypeProto_TensorType or nil.
	Value      isTypeProto_Value
	Denotation string
}

type isTypeProto_Value interface {
	isTypeProto_Value()
}

// TypeProto_TensorType is a TypeProto's tensor type.
type TypeProto_TensorType struct {
	TensorType *TypeProto_Tensor
}

func (*TypeProto_TensorType) isTypeProto_Value() {}

// TypeProto_Tensor is a tensor's element type and shape.
type TypeProto_Tensor struct {
	ElemType int32
	Shape    *TensorShapeProto
}

// OperatorSetIdProto names an operator set and its version.
type OperatorSetIdProto struct {
	Domain  string
	Version int64
}

// The getters are the generated code's: each is safe on a nil message
// and gives the field's zero value there.

func (m *AttributeProto) GetName() string {
	if m != nil {
		return m.Name
	}
	return ""
}

func (m *AttributeProto) GetRefAttrName() string {
	if m != nil {
		return m.RefAttrName
	}
	return ""
}

func (m *AttributeProto) GetDocString() string {
	if m != nil {
		return m.DocString
	}
	return ""
}

func (m *AttributeProto) GetType() AttributeProto_AttributeType {
	if m != nil {
		return m.Type
	}
	return AttributeProto_UNDEFINED
}

func (m *AttributeProto) GetF() float32 {
	if m != nil {
		return m.F
	}
	return 0
}

func (m *AttributeProto) GetI() int64 {
	if m != nil {
		return m.I
	}
	return 0
}

func (m *AttributeProto) GetS() []byte {
	if m != nil {
		return m.S
	}
	return nil
}

func (m *AttributeProto) GetT() *TensorProto {
	if m != nil {
		return m.T
	}
	return nil
}

func (m *AttributeProto) GetG() *GraphProto {
	if m != nil {
		return m.G
	}
	return nil
}

func (m *AttributeProto) GetFloats() []float32 {
	if m != nil {
		return m.Floats
	}
	return nil
}

func (m *AttributeProto) GetInts() []int64 {
	if m != nil {
		return m.Ints
	}
	return nil
}

func (m *AttributeProto) GetStrings() [][]byte {
	if m != nil {
		return m.Strings
	}
	return nil
}

func (m *AttributeProto) GetTensors() []*TensorProto {
	if m != nil {
		return m.Tensors
	}
	return nil
}

func (m *AttributeProto) GetGraphs() []*GraphProto {
	if m != nil {
		return m.Graphs
	}
	return nil
}

func (m *ValueInfoProto) GetName() string {
	if m != nil {
		return m.Name
	}
	return ""
}

func (m *ValueInfoProto) GetType() *TypeProto {
	if m != nil {
		return m.Type
	}
	return nil
}

func (m *ValueInfoProto) GetDocString() string {
	if m != nil {
		return m.DocString
	}
	return ""
}

func (m *NodeProto) GetInput() []string {
	if m != nil {
		return m.Input
	}
	return nil
}

func (m *NodeProto) GetOutput() []string {
	if m != nil {
		return m.Output
	}
	return nil
}

func (m *NodeProto) GetName() string {
	if m != nil {
		return m.Name
	}
	return ""
}

func (m *NodeProto) GetOpType() string {
	if m != nil {
		return m.OpType
	}
	return ""
}

func (m *NodeProto) GetDomain() string {
	if m != nil {
		return m.Domain
	}
	return ""
}

func (m *NodeProto) GetAttribute() []*AttributeProto {
	if m != nil {
		return m.Attribute
	}
	return nil
}

func (m *NodeProto) GetDocString() string {
	if m != nil {
		return m.DocString
	}
	return ""
}

func (m *ModelProto) GetIrVersion() int64 {
	if m != nil {
		return m.IrVersion
	}
	return 0
}

func (m *ModelProto) GetOpsetImport() []*OperatorSetIdProto {
	if m != nil {
		return m.OpsetImport
	}
	return nil
}

func (m *ModelProto) GetProducerName() string {
	if m != nil {
		return m.ProducerName
	}
	return ""
}

func (m *ModelProto) GetProducerVersion() string {
	if m != nil {
		return m.ProducerVersion
	}
	return ""
}

func (m *ModelProto) GetDomain() string {
	if m != nil {
		return m.Domain
	}
	return ""
}

func (m *ModelProto) GetModelVersion() int64 {
	if m != nil {
		return m.ModelVersion
	}
	return 0
}

func (m *ModelProto) GetDocString() string {
	if m != nil {
		return m.DocString
	}
	return ""
}

func (m *ModelProto) GetGraph() *GraphProto {
	if m != nil {
		return m.Graph
	}
	return nil
}

func (m *ModelProto) GetMetadataProps() []*StringStringEntryProto {
	if m != nil {
		return m.MetadataProps
	}
	return nil
}

func (m *StringStringEntryProto) GetKey() string {
	if m != nil {
		return m.Key
	}
	return ""
}

func (m *StringStringEntryProto) GetValue() string {
	if m != nil {
		return m.Value
	}
	return ""
}

func (m *GraphProto) GetNode() []*NodeProto {
	if m != nil {
		return m.Node
	}
	return nil
}

func (m *GraphProto) GetName() string {
	if m != nil {
		return m.Name
	}
	return ""
}

func (m *GraphProto) GetInitializer() []*TensorProto {
	if m != nil {
		return m.Initializer
	}
	return nil
}

func (m *GraphProto) GetDocString() string {
	if m != nil {
		return m.DocString
	}
	return ""
}

func (m *GraphProto) GetInput() []*ValueInfoProto {
	if m != nil {
		return m.Input
	}
	return nil
}

func (m *GraphProto) GetOutput() []*ValueInfoProto {
	if m != nil {
		return m.Output
	}
	return nil
}

func (m *GraphProto) GetValueInfo() []*ValueInfoProto {
	if m != nil {
		return m.ValueInfo
	}
	return nil
}

func (m *TensorProto) GetDims() []int64 {
	if m != nil {
		return m.Dims
	}
	return nil
}

func (m *TensorProto) GetDataType() int32 {
	if m != nil {
		return m.DataType
	}
	return 0
}

func (m *TensorProto) GetSegment() *TensorProto_Segment {
	if m != nil {
		return m.Segment
	}
	return nil
}

func (m *TensorProto) GetFloatData() []float32 {
	if m != nil {
		return m.FloatData
	}
	return nil
}

func (m *TensorProto) GetInt32Data() []int32 {
	if m != nil {
		return m.Int32Data
	}
	return nil
}

func (m *TensorProto) GetStringData() [][]byte {
	if m != nil {
		return m.StringData
	}
	return nil
}

func (m *TensorProto) GetInt64Data() []int64 {
	if m != nil {
		return m.Int64Data
	}
	return nil
}

func (m *TensorProto) GetName() string {
	if m != nil {
		return m.Name
	}
	return ""
}

func (m *TensorProto) GetDocString() string {
	if m != nil {
		return m.DocString
	}
	return ""
}

func (m *TensorProto) GetRawData() []byte {
	if m != nil {
		return m.RawData
	}
	return nil
}

func (m *TensorProto) GetDoubleData() []float64 {
	if m != nil {
		return m.DoubleData
	}
	return nil
}

func (m *TensorProto) GetUint64Data() []uint64 {
	if m != nil {
		return m.Uint64Data
	}
	return nil
}

func (m *TensorProto_Segment) GetBegin() int64 {
	if m != nil {
		return m.Begin
	}
	return 0
}

func (m *TensorProto_Segment) GetEnd() int64 {
	if m != nil {
		return m.End
	}
	return 0
}

func (m *TensorShapeProto) GetDim() []*TensorShapeProto_Dimension {
	if m != nil {
		return m.Dim
	}
	return nil
}

func (m *TensorShapeProto_Dimension) GetValue() isTensorShapeProto_Dimension_Value {
	if m != nil {
		return m.Value
	}
	return nil
}

func (m *TensorShapeProto_Dimension) GetDimValue() int64 {
	if x, ok := m.GetValue().(*TensorShapeProto_Dimension_DimValue); ok {
		return x.DimValue
	}
	return 0
}

func (m *TensorShapeProto_Dimension) GetDimParam() string {
	if x, ok := m.GetValue().(*TensorShapeProto_Dimension_DimParam); ok {
		return x.DimParam
	}
	return ""
}

func (m *TensorShapeProto_Dimension) GetDenotation() string {
	if m != nil {
		return m.Denotation
	}
	return ""
}

func (m *TypeProto) GetValue() isTypeProto_Value {
	if m != nil {
		return m.Value
	}
	return nil
}

func (m *TypeProto) GetTensorType() *TypeProto_Tensor {
	if x, ok := m.GetValue().(*TypeProto_TensorType); ok {
		return x.TensorType
	}
	return nil
}

func (m *TypeProto) GetDenotation() string {
	if m != nil {
		return m.Denotation
	}
	return ""
}

func (m *TypeProto_Tensor) GetElemType() int32 {
	if m != nil {
		return m.ElemType
	}
	return 0
}

func (m *TypeProto_Tensor) GetShape() *TensorShapeProto {
	if m != nil {
		return m.Shape
	}
	return nil
}

func (m *OperatorSetIdProto) GetDomain() string {
	if m != nil {
		return m.Domain
	}
	return ""
}

func (m *OperatorSetIdProto) GetVersion() int64 {
	if m != nil {
		return m.Version
	}
	return 0
}

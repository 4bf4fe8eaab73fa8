package engine

import (
	"fmt"

	"google.golang.org/protobuf/encoding/protowire"
)

// Field numbers of onnx.proto read by CheckSizes.
const (
	modelGraph      = 7
	graphNode       = 1
	graphInit       = 5
	graphInput      = 11
	graphOutput     = 12
	graphValueInfo  = 13
	tensorDims      = 1
	tensorType      = 2
	tensorFloats    = 4
	tensorInt64s    = 7
	tensorName      = 8
	tensorRaw       = 9
	valueName       = 1
	valueType       = 2
	typeTensor      = 1
	tensorTypeShape = 2
	shapeDim        = 1
	dimValue        = 1
)

// CheckSizes scans a serialised ONNX model for tensor shapes, before onnx-go
// decodes it: onnx-go allocates every declared input and initializer at
// its declared size, so a file claiming a 10^12-element input would be
// allocated before any check. It refuses negative dimensions, ranks over 8
// and tensors over MaxElements, naming the tensor.
func CheckSizes(data []byte) error {
	return fields(data, func(num protowire.Number, typ protowire.Type, b []byte) error {
		if num != modelGraph || typ != protowire.BytesType {
			return nil
		}
		return fields(b, func(num protowire.Number, typ protowire.Type, b []byte) error {
			if typ != protowire.BytesType {
				return nil
			}
			switch num {
			case graphInit:
				return checkTensorProto(b)
			case graphInput, graphOutput, graphValueInfo:
				return checkValueInfo(b)
			}
			return nil
		})
	})
}

func checkTensorProto(b []byte) error {
	var name string
	var dims []int64
	var dtype uint64
	raw, values := -1, 0
	err := fields(b, func(num protowire.Number, typ protowire.Type, v []byte) error {
		switch {
		case num == tensorType && typ == protowire.VarintType:
			dtype, _ = protowire.ConsumeVarint(v)
		case num == tensorRaw && typ == protowire.BytesType:
			raw = len(v)
		case num == tensorFloats && typ == protowire.BytesType:
			values += len(v) / 4
		case num == tensorFloats && typ == protowire.Fixed32Type:
			values++
		case num == tensorInt64s && typ == protowire.BytesType:
			for len(v) > 0 {
				_, n := protowire.ConsumeVarint(v)
				if n < 0 {
					return fmt.Errorf("bad int64_data of initializer %q", name)
				}
				values++
				v = v[n:]
			}
		case num == tensorInt64s && typ == protowire.VarintType:
			values++
		case num == tensorName && typ == protowire.BytesType:
			name = string(v)
		case num == tensorDims && typ == protowire.VarintType:
			x, _ := protowire.ConsumeVarint(v)
			dims = append(dims, int64(x))
		case num == tensorDims && typ == protowire.BytesType: // packed
			for len(v) > 0 {
				x, n := protowire.ConsumeVarint(v)
				if n < 0 {
					return fmt.Errorf("bad dims of initializer %q", name)
				}
				dims = append(dims, int64(x))
				v = v[n:]
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := checkDims("initializer", name, dims); err != nil {
		return err
	}
	// Data that disagrees with the dimensions makes onnx-go panic without
	// naming the tensor; say which one it is.
	n := 1
	for _, d := range dims {
		n *= int(d)
	}
	size := map[uint64]int{1: 4, 6: 4, 7: 8, 11: 8}[dtype]
	switch {
	case raw >= 0 && size > 0 && raw != n*size:
		return fmt.Errorf("initializer %q has %d bytes of data for dimensions %v", name, raw, dims)
	case raw < 0 && values > 0 && values != n:
		return fmt.Errorf("initializer %q has %d values for dimensions %v", name, values, dims)
	}
	return nil
}

func checkValueInfo(b []byte) error {
	var name string
	var dims []int64
	err := fields(b, func(num protowire.Number, typ protowire.Type, v []byte) error {
		switch {
		case num == valueName && typ == protowire.BytesType:
			name = string(v)
		case num == valueType && typ == protowire.BytesType:
			return fields(v, func(num protowire.Number, typ protowire.Type, v []byte) error {
				if num != typeTensor || typ != protowire.BytesType {
					return nil
				}
				return fields(v, func(num protowire.Number, typ protowire.Type, v []byte) error {
					if num != tensorTypeShape || typ != protowire.BytesType {
						return nil
					}
					return fields(v, func(num protowire.Number, typ protowire.Type, v []byte) error {
						if num != shapeDim || typ != protowire.BytesType {
							return nil
						}
						return fields(v, func(num protowire.Number, typ protowire.Type, v []byte) error {
							if num == dimValue && typ == protowire.VarintType {
								x, _ := protowire.ConsumeVarint(v)
								dims = append(dims, int64(x))
							}
							return nil
						})
					})
				})
			})
		}
		return nil
	})
	if err != nil {
		return err
	}
	return checkDims("value", name, dims)
}

func checkDims(kind, name string, dims []int64) error {
	if len(dims) > maxRank {
		return fmt.Errorf("%s %q has rank %d, limit %d", kind, name, len(dims), maxRank)
	}
	n := int64(1)
	for _, d := range dims {
		if d < 0 {
			return fmt.Errorf("%s %q has dimensions %v", kind, name, dims)
		}
		if d > 0 && n > MaxElements/d {
			return fmt.Errorf("%s %q of dimensions %v is over %d elements", kind, name, dims, MaxElements)
		}
		n *= d
	}
	return nil
}

// fields calls f with each top-level field of a protobuf message; for a
// varint field, b holds the varint's bytes.
func fields(b []byte, f func(num protowire.Number, typ protowire.Type, b []byte) error) error {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return fmt.Errorf("malformed protobuf: %v", protowire.ParseError(n))
		}
		b = b[n:]
		var v []byte
		switch typ {
		case protowire.BytesType:
			var m int
			v, m = protowire.ConsumeBytes(b)
			n = m
		default:
			n = protowire.ConsumeFieldValue(num, typ, b)
			if n >= 0 {
				v = b[:n]
			}
		}
		if n < 0 {
			return fmt.Errorf("malformed protobuf: %v", protowire.ParseError(n))
		}
		if err := f(num, typ, v); err != nil {
			return err
		}
		b = b[n:]
	}
	return nil
}

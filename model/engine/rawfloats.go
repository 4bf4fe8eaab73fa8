package engine

import (
	"fmt"

	"google.golang.org/protobuf/encoding/protowire"
)

// tensorDataType is TensorProto.data_type; FLOAT is 1.
const (
	tensorDataType = 2
	dataTypeFloat  = 1
)

// RawToFloatData returns a copy of a serialised ONNX model in which every
// float initializer's raw_data is declared as float_data instead. The
// bytes are the same (both are little-endian IEEE floats, float_data
// packed), and so is each field's length: only the one-byte tag changes
// (field 9 → field 4), so no enclosing length moves. onnx-go decodes
// raw_data four bytes at a time through a bytes.Reader into a growing
// slice, but float_data in one protobuf pass: for the embedded model that
// was most of decoding.
func RawToFloatData(data []byte) ([]byte, error) {
	out := append([]byte(nil), data...)
	err := fieldsAt(data, 0, func(num protowire.Number, typ protowire.Type, b []byte, _, at int) error {
		if num != modelGraph || typ != protowire.BytesType {
			return nil
		}
		return fieldsAt(b, at, func(num protowire.Number, typ protowire.Type, b []byte, _, at int) error {
			if num != graphInit || typ != protowire.BytesType {
				return nil
			}
			var dtype uint64
			raw := -1
			err := fieldsAt(b, at, func(num protowire.Number, typ protowire.Type, v []byte, tagAt, _ int) error {
				switch {
				case num == tensorDataType && typ == protowire.VarintType:
					dtype, _ = protowire.ConsumeVarint(v)
				case num == tensorRaw && typ == protowire.BytesType:
					raw = tagAt
				case num == tensorFloats:
					raw = -2 // both: leave the tensor alone
				}
				return nil
			})
			if err != nil || dtype != dataTypeFloat || raw < 0 {
				return err
			}
			if out[raw] != byte(protowire.EncodeTag(tensorRaw, protowire.BytesType)) {
				return fmt.Errorf("raw_data tag of an initializer is not one byte")
			}
			out[raw] = byte(protowire.EncodeTag(tensorFloats, protowire.BytesType))
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// fieldsAt is fields for a message that starts at offset base of the
// whole file: f also gets the offsets in the file of the field's tag and
// of its value (after the length, for bytes).
func fieldsAt(b []byte, base int, f func(num protowire.Number, typ protowire.Type, v []byte, tagAt, valueAt int) error) error {
	at := 0
	for at < len(b) {
		num, typ, n := protowire.ConsumeTag(b[at:])
		if n < 0 {
			return fmt.Errorf("malformed protobuf: %v", protowire.ParseError(n))
		}
		tag := at
		at += n
		m := protowire.ConsumeFieldValue(num, typ, b[at:])
		if m < 0 {
			return fmt.Errorf("malformed protobuf: %v", protowire.ParseError(m))
		}
		v, vat := b[at:at+m], at
		if typ == protowire.BytesType {
			v, _ = protowire.ConsumeBytes(v)
			vat = at + m - len(v)
		}
		if err := f(num, typ, v, base+tag, base+vat); err != nil {
			return err
		}
		at += m
	}
	return nil
}

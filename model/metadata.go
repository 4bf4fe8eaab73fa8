package model

import (
	"fmt"

	"google.golang.org/protobuf/encoding/protowire"
)

// Metadata is what an ONNX file says about itself in ONNX's own fields, so
// Netron or any runtime reads the same: who made it, its version, a
// description, and key/value properties (hiwl's exporter writes the
// classes, input size, preprocessing constants, training data and test
// metrics under "hiwl.*" keys).
type Metadata struct {
	ProducerName    string            `json:"producer_name"`
	ProducerVersion string            `json:"producer_version"`
	ModelVersion    int64             `json:"model_version"`
	Doc             string            `json:"doc_string"`
	Props           map[string]string `json:"metadata_props"`
}

// ModelProto field numbers (onnx.proto).
const (
	fieldProducerName    = 2
	fieldProducerVersion = 3
	fieldModelVersion    = 5
	fieldDocString       = 6
	fieldMetadataProps   = 14
)

// ReadMetadata reads the descriptive fields of an ONNX ModelProto without
// decoding the graph. Malformed protobuf gives an error wrapping
// ErrBadModel.
func ReadMetadata(data []byte) (Metadata, error) {
	md := Metadata{Props: map[string]string{}}
	for len(data) > 0 {
		num, typ, n := protowire.ConsumeTag(data)
		if n < 0 {
			return Metadata{}, fmt.Errorf("%w: metadata: %v", ErrBadModel, protowire.ParseError(n))
		}
		data = data[n:]
		var v []byte
		var x uint64
		switch typ {
		case protowire.BytesType:
			v, n = protowire.ConsumeBytes(data)
		case protowire.VarintType:
			x, n = protowire.ConsumeVarint(data)
		default:
			n = protowire.ConsumeFieldValue(num, typ, data)
		}
		if n < 0 {
			return Metadata{}, fmt.Errorf("%w: metadata: field %d: %v", ErrBadModel, num, protowire.ParseError(n))
		}
		data = data[n:]
		switch {
		case num == fieldProducerName && typ == protowire.BytesType:
			md.ProducerName = string(v)
		case num == fieldProducerVersion && typ == protowire.BytesType:
			md.ProducerVersion = string(v)
		case num == fieldModelVersion && typ == protowire.VarintType:
			md.ModelVersion = int64(x)
		case num == fieldDocString && typ == protowire.BytesType:
			md.Doc = string(v)
		case num == fieldMetadataProps && typ == protowire.BytesType:
			k, val, err := readEntry(v)
			if err != nil {
				return Metadata{}, err
			}
			md.Props[k] = val
		}
	}
	return md, nil
}

// readEntry decodes a StringStringEntryProto (key = 1, value = 2).
func readEntry(b []byte) (key, value string, err error) {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return "", "", fmt.Errorf("%w: metadata entry: %v", ErrBadModel, protowire.ParseError(n))
		}
		b = b[n:]
		if typ != protowire.BytesType {
			if n = protowire.ConsumeFieldValue(num, typ, b); n < 0 {
				return "", "", fmt.Errorf("%w: metadata entry: %v", ErrBadModel, protowire.ParseError(n))
			}
			b = b[n:]
			continue
		}
		v, n := protowire.ConsumeBytes(b)
		if n < 0 {
			return "", "", fmt.Errorf("%w: metadata entry: %v", ErrBadModel, protowire.ParseError(n))
		}
		b = b[n:]
		switch num {
		case 1:
			key = string(v)
		case 2:
			value = string(v)
		}
	}
	return key, value, nil
}

package onnxexport

import (
	"fmt"
	"slices"

	"google.golang.org/protobuf/encoding/protowire"
)

// modelMetadataProps is ModelProto.metadata_props; entries are
// StringStringEntryProto {key = 1, value = 2}.
const modelMetadataProps = 14

// SetMetadata returns an ONNX file with props set in its metadata_props:
// an entry whose key is in props is replaced, the others and every other
// field are kept byte for byte. It is how a step after training (the
// in-domain fit) writes into any exported model file.
func SetMetadata(data []byte, props map[string]string) ([]byte, error) {
	return rewriteMetadata(data, func(k string) bool { _, ok := props[k]; return ok }, props)
}

// DeleteMetadata returns an ONNX file without the metadata_props entries
// whose keys drop reports, the rest kept byte for byte.
func DeleteMetadata(data []byte, drop func(key string) bool) ([]byte, error) {
	return rewriteMetadata(data, drop, nil)
}

// rewriteMetadata drops the metadata entries whose keys drop reports and
// appends props, sorted by key.
func rewriteMetadata(data []byte, drop func(string) bool, props map[string]string) ([]byte, error) {
	fs, err := fields(data)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadONNX, err)
	}
	var out []byte
	rest := data
	for _, f := range fs {
		// the bytes of this field, taken from the input as they are
		n := fieldLen(rest)
		raw := rest[:n]
		rest = rest[n:]
		if f.num == modelMetadataProps && f.typ == protowire.BytesType {
			kf, err := fields(f.v)
			if err != nil {
				return nil, fmt.Errorf("%w: metadata entry: %v", ErrBadONNX, err)
			}
			i := slices.IndexFunc(kf, func(k field) bool { return k.num == 1 && k.typ == protowire.BytesType })
			if i >= 0 && drop(string(kf[i].v)) {
				continue
			}
		}
		out = append(out, raw...)
	}
	keys := make([]string, 0, len(props))
	for k := range props {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		var e []byte
		e = appendString(e, 1, k)
		e = appendString(e, 2, props[k])
		out = appendBytes(out, modelMetadataProps, e)
	}
	return out, nil
}

// fieldLen is the length in bytes of the first field of b, which fields
// has already parsed without error.
func fieldLen(b []byte) int {
	num, typ, n := protowire.ConsumeTag(b)
	return n + protowire.ConsumeFieldValue(num, typ, b[n:])
}

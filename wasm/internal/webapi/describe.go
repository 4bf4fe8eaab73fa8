package webapi

import (
	"bytes"
	"encoding/json/jsontext"
)

// appendInfo appends what json.Marshal(info) gives (TestDescribeIsMarshal
// holds this), written token by token. json.Marshal builds its encoder for
// a type by reflection on first use, and in js/wasm that first use runs in
// code V8 has only just compiled, at start-up, before the page is ready:
// marshalling Info took 74 ms of the module's 335 ms from go.run to ready
// in Node (wasm/test/coldstart.mjs, paired runs, Intel Xeon with AVX-512).
// The tokens need no reflection.
func appendInfo(dst []byte, info Info) []byte {
	buf := bytes.NewBuffer(dst)
	e := jsontext.NewEncoder(buf)
	// Errors need no checks: every token is well formed and in order, and a
	// bytes.Buffer does not fail.
	tok := func(t jsontext.Token) { _ = e.WriteToken(t) }
	str := func(s string) { tok(jsontext.String(s)) }
	num := func(n int) { tok(jsontext.Int(int64(n))) }
	strs := func(ss []string) {
		if ss == nil {
			tok(jsontext.Null) // as json.Marshal writes a nil slice
			return
		}
		tok(jsontext.BeginArray)
		for _, s := range ss {
			str(s)
		}
		tok(jsontext.EndArray)
	}
	d := info.Description
	tok(jsontext.BeginObject)
	str("model_version")
	str(d.ModelVersion)
	str("input_size")
	num(d.InputSize)
	str("crop_fraction")
	tok(jsontext.Float(d.CropFraction))
	str("classes")
	if d.Classes == nil {
		tok(jsontext.Null)
	} else {
		tok(jsontext.BeginArray)
	}
	for _, c := range d.Classes {
		tok(jsontext.BeginObject)
		str("class")
		str(c.Class)
		str("label")
		str(c.Label)
		tok(jsontext.EndObject)
	}
	if d.Classes != nil {
		tok(jsontext.EndArray)
	}
	str("network_a")
	strs(d.NetworkA)
	str("network_b")
	strs(d.NetworkB)
	str("limits")
	tok(jsontext.BeginObject)
	str("max_side")
	num(d.Limits.MaxSide)
	str("max_pixels")
	num(d.Limits.MaxPixels)
	str("min_side")
	num(d.Limits.MinSide)
	tok(jsontext.EndObject)
	str("max_file_bytes")
	num(info.MaxFileBytes)
	str("csv_header")
	strs(info.CSVHeader)
	tok(jsontext.EndObject)
	// The encoder ends each top-level value with a newline; json.Marshal
	// does not.
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

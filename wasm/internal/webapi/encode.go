package webapi

import (
	"errors"
	"maps"
	"math"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/hiwl/hiwl/model"
)

// The module's JSON is written by hand, byte for byte what json.Marshal
// gives (TestEncodingIsMarshal holds each type to it), so that the module
// links no encoding/json. That package and json/v2 beneath it were 690 kB
// of the module's 4.76 MB of code; the Cache API read on every visit grows
// with the module. json.Marshal also builds its encoder for a type by
// reflection on first use, in code V8 has only just compiled: Info's
// took 74 ms of the module's start in Node, before appendInfo wrote it
// token by token, and the Answer's was still paid by a visitor's first
// image.

// encoder appends JSON to b; err keeps the first value JSON cannot hold (a
// NaN or an infinity from a broken model), as json.Marshal refuses it.
type encoder struct {
	b   []byte
	err error
}

// str appends s quoted as encoding/json does: HTML-safe, with U+2028 and
// U+2029 escaped, and each invalid UTF-8 byte replaced by U+FFFD (the
// character itself, not its escape).
func (e *encoder) str(s string) {
	const hex = "0123456789abcdef"
	b := append(e.b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, "\ufffd"...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	e.b = append(b, '"')
}

func (e *encoder) raw(s string) { e.b = append(e.b, s...) }

func (e *encoder) int(n int) { e.b = strconv.AppendInt(e.b, int64(n), 10) }

func (e *encoder) bool(v bool) { e.b = strconv.AppendBool(e.b, v) }

// float appends f as encoding/json writes a float of the given bits:
// the shortest decimal that reads back, exponent form only below 1e-6 and
// from 1e21 on, with a one-digit negative exponent unpadded.
func (e *encoder) float(f float64, bits int) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		if e.err == nil {
			e.err = errors.New("json: unsupported value: " + strconv.FormatFloat(f, 'g', -1, bits))
		}
		e.b = append(e.b, "null"...)
		return
	}
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 && (bits == 64 && (abs < 1e-6 || abs >= 1e21) || bits == 32 && (float32(abs) < 1e-6 || float32(abs) >= 1e21)) {
		format = 'e'
	}
	b := strconv.AppendFloat(e.b, f, format, -1, bits)
	if format == 'e' {
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	e.b = b
}

func (e *encoder) f32(v float32) { e.float(float64(v), 32) }

// list appends xs as a JSON array (null when nil), each element by each.
func list[T any](e *encoder, xs []T, each func(T)) {
	if xs == nil {
		e.raw("null")
		return
	}
	e.raw("[")
	for i, x := range xs {
		if i > 0 {
			e.raw(",")
		}
		each(x)
	}
	e.raw("]")
}

// object appends m as a JSON object (null when nil), keys sorted as
// json.Marshal sorts them, each value by each.
func object[V any](e *encoder, m map[string]V, each func(V)) {
	if m == nil {
		e.raw("null")
		return
	}
	e.raw("{")
	for i, k := range slices.Sorted(maps.Keys(m)) {
		if i > 0 {
			e.raw(",")
		}
		e.str(k)
		e.raw(":")
		each(m[k])
	}
	e.raw("}")
}

func (e *encoder) cam(c *model.CAMResult) {
	e.raw(`{"class":`)
	e.str(c.Class)
	e.raw(`,"side":`)
	e.int(c.Side)
	e.raw(`,"values":`)
	list(e, c.Values, e.f32)
	e.raw("}")
}

// resultFields appends model.Result's fields, without the braces: Answer
// embeds it.
func (e *encoder) resultFields(r *model.Result) {
	e.raw(`"label":`)
	e.str(r.Label)
	e.raw(`,"class":`)
	e.str(r.Class)
	e.raw(`,"probabilities":`)
	object(e, r.Probabilities, e.f32)
	h := &r.Hierarchy
	e.raw(`,"hierarchy":{"a":`)
	object(e, h.A, e.f32)
	e.raw(`,"a_decision":`)
	e.str(h.ADecision)
	e.raw(`,"b":`)
	object(e, h.B, e.f32)
	e.raw(`,"b_decision":`)
	e.str(h.BDecision)
	e.raw(`},"model_version":`)
	e.str(r.ModelVersion)
	if d := r.Domain; d != nil {
		e.raw(`,"domain":{"score":`)
		e.f32(d.Score)
		e.raw(`,"out_of_domain":`)
		e.bool(d.OutOfDomain)
		e.raw(`,"distance":`)
		e.f32(d.Distance)
		e.raw(`,"crowding":`)
		e.f32(d.Crowding)
		e.raw(`,"radius":`)
		e.f32(d.Radius)
		e.raw("}")
	}
	if r.CAM != nil {
		e.raw(`,"cam":`)
		e.cam(r.CAM)
	}
	if r.LabelNote != "" {
		e.raw(`,"label_note":`)
		e.str(r.LabelNote)
	}
}

func appendResult(dst []byte, r *model.Result) ([]byte, error) {
	e := &encoder{b: dst}
	e.raw("{")
	e.resultFields(r)
	e.raw("}")
	return e.b, e.err
}

func appendAnswer(dst []byte, a *Answer) ([]byte, error) {
	e := &encoder{b: dst}
	e.raw("{")
	e.resultFields(&a.Result)
	e.raw(`,"cams":`)
	object(e, a.CAMs, func(c model.CAMResult) { e.cam(&c) })
	e.raw(`,"crop":{"x":`)
	e.int(a.Crop.X)
	e.raw(`,"y":`)
	e.int(a.Crop.Y)
	e.raw(`,"width":`)
	e.int(a.Crop.Width)
	e.raw(`,"height":`)
	e.int(a.Crop.Height)
	e.raw(`},"image":{"width":`)
	e.int(a.Image.Width)
	e.raw(`,"height":`)
	e.int(a.Image.Height)
	e.raw(`},"input_size":`)
	e.int(a.InputSize)
	e.raw("}")
	return e.b, e.err
}

func appendFailure(dst []byte, f *Failure) []byte {
	e := &encoder{b: dst}
	e.raw(`{"code":`)
	e.str(f.Code)
	e.raw(`,"error":`)
	e.str(f.Message)
	e.raw(`,"detail":`)
	e.str(f.Detail)
	e.raw("}")
	return e.b
}

// appendInfo appends Info (the page reads it once, at start-up).
func appendInfo(dst []byte, info Info) []byte {
	e := &encoder{b: dst}
	d := &info.Description
	e.raw(`{"model_version":`)
	e.str(d.ModelVersion)
	e.raw(`,"input_size":`)
	e.int(d.InputSize)
	e.raw(`,"crop_fraction":`)
	e.float(d.CropFraction, 64)
	e.raw(`,"classes":`)
	list(e, d.Classes, func(c model.ClassInfo) {
		e.raw(`{"class":`)
		e.str(c.Class)
		e.raw(`,"label":`)
		e.str(c.Label)
		e.raw("}")
	})
	e.raw(`,"network_a":`)
	list(e, d.NetworkA, e.str)
	e.raw(`,"network_b":`)
	list(e, d.NetworkB, e.str)
	e.raw(`,"limits":{"max_side":`)
	e.int(d.Limits.MaxSide)
	e.raw(`,"max_pixels":`)
	e.int(d.Limits.MaxPixels)
	e.raw(`,"min_side":`)
	e.int(d.Limits.MinSide)
	e.raw(`},"max_file_bytes":`)
	e.int(info.MaxFileBytes)
	e.raw(`,"csv_header":`)
	list(e, info.CSVHeader, e.str)
	e.raw("}")
	return e.b
}

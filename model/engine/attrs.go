package engine

import (
	"fmt"
	"math"

	"github.com/owulveryck/onnx-go"
)

// attrs reads the attributes of one operation with ONNX's defaults and
// keeps the first error, so that a lowering reads everything it needs and
// checks once (Err), and no malformed attribute is silently taken as its
// default.
type attrs struct {
	op  *onnx.Operation
	err error
}

func attrsOf(n *Node) *attrs { return &attrs{op: n.op} }

// Err is the first error met, naming the attribute.
func (a *attrs) Err() error { return a.err }

func (a *attrs) keep(err error) {
	if a.err == nil && err != nil {
		a.err = err
	}
}

func (a *attrs) Int(name string, def int64) int64 {
	v, err := attrInt(a.op, name, def)
	a.keep(err)
	return v
}

func (a *attrs) Float(name string, def float32) float32 {
	v, err := attrFloat(a.op, name, def)
	a.keep(err)
	return v
}

// Ints reads a list of n values (any number when n < 0, nil if absent),
// each def when absent.
func (a *attrs) Ints(name string, n, def int) []int {
	v, err := attrInts(a.op, name, n, def)
	a.keep(err)
	return v
}

func (a *attrs) String(name, def string) string {
	v, err := attrString(a.op, name, def)
	a.keep(err)
	return v
}

// attribute readers, with ONNX defaults.
func attrInt(op *onnx.Operation, name string, def int64) (int64, error) {
	a, ok := op.Attributes[name]
	if !ok {
		return def, nil
	}
	v, ok := a.(int64)
	if !ok {
		return 0, fmt.Errorf("attribute %s is %T, want an int", name, a)
	}
	return v, nil
}

func attrFloat(op *onnx.Operation, name string, def float32) (float32, error) {
	a, ok := op.Attributes[name]
	if !ok {
		return def, nil
	}
	v, ok := a.(float32)
	if !ok || math.IsNaN(float64(v)) {
		return 0, fmt.Errorf("attribute %s is %v, want a float", name, a)
	}
	return v, nil
}

func attrInts(op *onnx.Operation, name string, n int, def int) ([]int, error) {
	a, ok := op.Attributes[name]
	if !ok {
		if n < 0 {
			return nil, nil
		}
		out := make([]int, n)
		for i := range out {
			out[i] = def
		}
		return out, nil
	}
	v, ok := a.([]int64)
	if !ok {
		return nil, fmt.Errorf("attribute %s is %T, want ints", name, a)
	}
	if n >= 0 && len(v) != n {
		return nil, fmt.Errorf("attribute %s has %d values, want %d", name, len(v), n)
	}
	out := make([]int, len(v))
	for i, x := range v {
		if x < -MaxElements || x > MaxElements {
			return nil, fmt.Errorf("attribute %s value %d out of range", name, x)
		}
		out[i] = int(x)
	}
	return out, nil
}

func attrString(op *onnx.Operation, name, def string) (string, error) {
	a, ok := op.Attributes[name]
	if !ok {
		return def, nil
	}
	v, ok := a.(string)
	if !ok {
		return "", fmt.Errorf("attribute %s is %T, want a string", name, a)
	}
	return v, nil
}

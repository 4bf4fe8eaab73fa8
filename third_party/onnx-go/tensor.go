package onnx

import (
	"github.com/owulveryck/onnx-go/internal/onnx/ir"
	"gorgonia.org/tensor"
)

// NewTensor from onnx value
func NewTensor(b []byte) (tensor.Tensor, error) {
	tp := new(ir.TensorProto)
	err := tp.Unmarshal(b) // hiwl: ir's own decoder (HIWL.md)
	if err != nil {
		return nil, err
	}
	return tp.Tensor()
}

// Package onnxtest contains an export of the onnx test files
package onnxtest

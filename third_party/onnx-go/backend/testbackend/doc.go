// Package testbackend provides a set of testing helper functions that test backend interface implementations.
// The tests are extracted and converted from the onnx test set
package testbackend

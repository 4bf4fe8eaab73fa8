package model

import (
	_ "embed"
	"fmt"
	"os"
	"strconv"
	"sync"
)

// defaultONNX is the default model, trained by the trainer on real Galaxy
// Zoo images (see README, "The default model", and docs/model-card.md).
// Embedding it means no runtime ever downloads weights.
//
//go:embed default.onnx
var defaultONNX []byte

// DefaultONNX returns the bytes of the embedded default model, e.g. for
// serving it to another runtime or for parity tests against onnxruntime.
func DefaultONNX() []byte { return defaultONNX }

var loadDefault = sync.OnceValues(func() (*Classifier, error) {
	defer pauseGC()()
	return load(defaultONNX, false, defaultVersion)
})

// Default returns the classifier of the embedded model, loaded once.
func Default() (*Classifier, error) { return loadDefault() }

// DefaultInputSize is the embedded model's input side, read from its
// metadata ("hiwl.input_size") without decoding the graph: what DecodeFor
// needs before the model has loaded, so that a server can turn away a bad
// image without loading the model.
var DefaultInputSize = sync.OnceValue(func() int {
	md, err := ReadMetadata(defaultONNX)
	if n, perr := strconv.Atoi(md.Props["hiwl.input_size"]); err == nil && perr == nil && n > 0 {
		return n
	}
	if c, err := Default(); err == nil {
		return c.InputSize()
	}
	return 0
})

// maxModelBytes bounds what Open reads; HIWL models are well under 10 MB.
const maxModelBytes = 512 << 20

// Open loads the ONNX model file at path, or returns the embedded default
// model when path is empty: the -model flag of every command.
func Open(path string) (*Classifier, error) {
	if path == "" {
		return Default()
	}
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if st.Size() > maxModelBytes {
		return nil, fmt.Errorf("%w: %s is %d bytes, limit %d", ErrBadModel, path, st.Size(), maxModelBytes)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	c, err := Load(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

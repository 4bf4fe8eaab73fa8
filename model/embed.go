package model

import (
	_ "embed"
	"sync"
)

// defaultONNX is the default model, trained by the trainer on the procedural
// galaxy set (see README, "The default model"). Embedding it means no runtime
// ever downloads weights.
//
//go:embed default.onnx
var defaultONNX []byte

// DefaultONNX returns the bytes of the embedded default model, e.g. for
// serving it to another runtime or for parity tests against onnxruntime.
func DefaultONNX() []byte { return defaultONNX }

var loadDefault = sync.OnceValues(func() (*Classifier, error) { return Load(defaultONNX) })

// Default returns the classifier of the embedded model, loaded once.
func Default() (*Classifier, error) { return loadDefault() }

//go:build hiwl_model_file

package main

import (
	_ "embed"
	"sync"

	"github.com/hiwl/hiwl/model"
)

// modelFile is the model this build serves instead of the embedded
// default: `make edge-build EDGE_MODEL=FILE` copies FILE to
// edge/model-file/model.onnx (not in git) and builds with the tag
// hiwl_model_file, so that a model that is not (yet) the default can be
// measured in the Worker exactly as it would be served (`make bench-edge
// EDGE_MODEL=FILE`, `make bench-edge-model EDGE_MODEL=FILE`). The default
// build never has this file.
//
//go:embed model-file/model.onnx
var modelFile []byte

func init() {
	// model.Load checks the file with one trial run and hashes it for its
	// version, which the embedded model has precomputed: a little more
	// work on the first request, not on each.
	config.Model = sync.OnceValues(func() (*model.Classifier, error) { return model.Load(modelFile) })
}

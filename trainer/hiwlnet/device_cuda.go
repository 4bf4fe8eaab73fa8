//go:build cuda

package hiwlnet

import G "gorgonia.org/gorgonia"

// Device names where training runs: this build (go build -tags cuda, with
// the CUDA toolkit and gorgonia's generated CUDA modules) runs the ops that
// gorgonia has kernels for on the GPU.
const Device = "GPU (CUDA)"

func deviceOpts() []G.VMOpt { return []G.VMOpt{G.UseCudaFor()} }

//go:build goexperiment.simd && !amd64 && !wasm

package gemm

// archKernels: no kernel of its own on this architecture; the portable one
// runs.
func archKernels() []*Kernel { return nil }

// Package engine is hiwl's inference backend for onnx-go: onnx-go decodes
// the ONNX file into a Graph, and Compile turns the graph, once, into a
// Plan: operations in topological order with static shapes, every buffer
// allocated up front, batch normalisation folded into convolution weights
// and convolution+bias+residual+activation (ReLU, SiLU, hard-swish,
// sigmoid) fused into one GEMM epilogue. A Plan is
// immutable and shared; each goroutine runs it with its own State, and a
// run allocates nothing.
//
// The kernels live apart: package gemm (the packed SIMD matrix multiply,
// its micro-kernel chosen at start-up), package act (the activations of
// the epilogues) and package ops (everything else).
package engine

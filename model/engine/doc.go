// Package engine is hiwl's inference backend for onnx-go: onnx-go decodes
// the ONNX file into a Graph, and Compile turns the graph, once, into a
// Plan: operations in topological order with static shapes, every buffer
// allocated up front, batch normalisation folded into convolution weights
// and convolution+bias+residual+activation (ReLU, SiLU, hard-swish,
// sigmoid) fused into one GEMM epilogue. A Plan is
// immutable and shared; each goroutine runs it with its own State, and a
// run allocates nothing.
//
// Compile runs in passes, each in a file of its own: order (plan.go:
// the nodes the outputs need, in topological order, with their readers),
// lower (lower.go, lower_conv.go: one step per operation, attributes read
// through attrs.go, which keeps the first error), fuse (fuse.go: the
// patterns a step takes in with it), constant folding as each step is
// emitted (emit: a step whose inputs are all constant runs at compile
// time), and allocate (allocate.go: run buffers placed in one arena,
// shared between values whose lives do not overlap; Plan.ArenaBytes).
// Fusion is asked for by the lowering of the first node of a pattern, not
// a rewrite of the graph before it.
//
// The kernels live apart: package gemm (the packed SIMD matrix multiply,
// its micro-kernel chosen at start-up), package act (the activations of
// the epilogues) and package ops (everything else).
package engine

// Package gemm is hiwl's single-precision matrix multiply: C = A·B with the
// left operand packed once (the weights of a layer, packed when a model is
// loaded) and a fused epilogue (per-row bias, an added residual, ReLU) so a
// convolution's output is written once.
//
// The work is split into MR×NR tiles computed by a register-blocked
// micro-kernel, one per architecture beside a portable one:
//   - amd64 with AVX2 and FMA: 4×16 tiles in assembly (kernel_amd64.s);
//   - wasm SIMD128: 4×8 tiles against simd/archsimd (kernel_wasm.go);
//   - elsewhere under GOEXPERIMENT=simd (Neon on arm64): the portable simd
//     package (simd.go);
//   - without the experiment, or where simd is emulated: pure Go
//     (generic.go).
//
// The last columns, fewer than a tile, go through the same kernel from a
// zero-padded copy. Tests hold every kernel to the pure-Go one.
package gemm

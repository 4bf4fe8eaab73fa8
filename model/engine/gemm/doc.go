// Package gemm is hiwl's single-precision matrix multiply: C = A·B with the
// left operand packed once (the weights of a layer, packed when a model is
// loaded) and a fused epilogue (per-row bias, an added residual, ReLU) so a
// convolution's output is written once.
//
// The work is split into MR×NR tiles computed by a register-blocked
// micro-kernel. Under GOEXPERIMENT=simd the micro-kernel uses the portable
// simd package (AVX2 on amd64, SIMD128 on wasm, Neon on arm64); without the
// experiment, or where the simd package is emulated, a pure-Go kernel of the
// same shape runs instead. Tests hold the two equal.
package gemm

// Package gemm is hiwl's single-precision matrix multiply: C = A·B with the
// left operand packed once (the weights of a layer, packed when a model is
// loaded) and a fused epilogue (per-row bias, an added residual, an
// activation from package act) so a convolution's output is written once.
//
// The work is split into MR×NR tiles computed by a register-blocked
// micro-kernel. Each kernel has a name and a tile shape; the best one this
// build runs on this processor is chosen at start-up (Chosen), or the one
// named by $HIWL_GEMM_KERNEL, and Pack lays A out for it:
//   - avx512-8x32: amd64 with AVX-512F, 8×32 tiles in sixteen ZMM
//     accumulators, in assembly (kernel_amd64.s); the last, narrower tile
//     is loaded under a mask;
//   - avx2-4x16: amd64 with AVX2 and FMA, 4×16 tiles in assembly;
//   - simd128-4x8: wasm SIMD128, against simd/archsimd (kernel_wasm.go);
//   - simd-4xN: the portable simd package at the machine's vector width
//     (N = 2 lanes; Neon on arm64, and amd64 when asked by name);
//   - go-4x8: pure Go, without the experiment or where simd is emulated.
//
// Kernels whose tile width must divide N do the last columns through a
// zero-padded copy. Tests hold every kernel to the definition and to the
// pure-Go one (MulGeneric).
package gemm

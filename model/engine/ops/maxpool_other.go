//go:build !goexperiment.simd || !(amd64 || wasm)

package ops

const maxPoolKernel = false

func maxPool2x2x8(dst, r0, r1 *float32, n int) { panic("ops: no vector max pool here") }

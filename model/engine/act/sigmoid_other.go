//go:build goexperiment.simd && !amd64

package act

const sigmoidAsm = false

func sigmoidAVX512(x *float32, n int, mulx bool) { panic("act: no AVX-512 here") }

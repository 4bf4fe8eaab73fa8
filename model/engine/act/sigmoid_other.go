//go:build goexperiment.simd && !amd64 && !wasm

package act

const sigmoidFastOK = false

func sigmoidFast(x []float32, mulx bool) int { return 0 }

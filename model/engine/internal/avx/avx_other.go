//go:build !goexperiment.simd || !amd64

// Package avx ends stretches of AVX code, so that the scalar float code
// after them runs at full speed (see avx_amd64.go); elsewhere it has
// nothing to do.
package avx

// ClearUpper does nothing: no AVX here, or no vector code of Go's.
func ClearUpper() {}

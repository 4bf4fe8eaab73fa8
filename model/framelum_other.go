//go:build !goexperiment.simd || !wasm

package model

import "image"

// approxLumQuadFast: only wasm has one (framelum_simd.go).
func approxLumQuadFast(lum []float64, src *image.YCbCr, ya, ca, y0, y1, c int) int { return 0 }

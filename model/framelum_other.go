//go:build !goexperiment.simd || !(wasm || amd64)

package model

import "image"

// approxLumQuadFast: only wasm and amd64 have one (framelum_quad.go).
func approxLumQuadFast(lum []float64, src *image.YCbCr, ya, ca, y0, y1, c int) int { return 0 }

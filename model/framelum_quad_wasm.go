//go:build goexperiment.simd

package model

import "simd/archsimd"

// quadLanes: wasm always has SIMD128.
const quadLanes = true

// bytes16 loads the first 16 bytes of s.
func bytes16(s []uint8) archsimd.Int8x16 {
	return archsimd.LoadUint8x16Array((*[16]uint8)(s)).BitsToInt8()
}

// lanes32 shuffles v's bytes by idx (i8x16.swizzle; -1 gives 0) and reads
// the result as four int32.
func lanes32(v, idx archsimd.Int8x16) archsimd.Int32x4 {
	return v.LookupOrZero(idx).ToBits().ReshapeToUint32s().BitsToInt32()
}

// clearUpper: wasm has no upper halves to clear.
func clearUpper() {}

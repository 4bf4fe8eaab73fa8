//go:build goexperiment.simd

package model

import "simd/archsimd"

// quadLanes: the kernel's byte shuffle and 32-bit multiplies are AVX's.
var quadLanes = archsimd.X86.AVX()

// bytes16 loads the first 16 bytes of s.
func bytes16(s []uint8) archsimd.Int8x16 {
	return archsimd.LoadUint8x16Array((*[16]uint8)(s)).AsInt8x16()
}

// lanes32 shuffles v's bytes by idx (VPSHUFB; -1 gives 0) and reads the
// result as four int32.
func lanes32(v, idx archsimd.Int8x16) archsimd.Int32x4 {
	return v.PermuteOrZero(idx).AsInt32x4()
}

// clearUpper ends any 256- or 512-bit code before this kernel (VZEROUPPER):
// with the vector registers' upper halves left set, every scalar SSE
// instruction in the loop (the int-to-float conversions) waits on them,
// and the kernel ran 20x slower than the scalar code it replaces.
func clearUpper() { archsimd.ClearAVXUpperBits() }

//go:build goexperiment.simd

#include "textflag.h"

#define CONST(bits, reg) MOVL $bits, AX; VPBROADCASTD AX, reg

// func sigmoidAVX512(x *float32, n int, mulx bool)
//
// x[i] = σ(x[i]), or x[i]·σ(x[i]) (SiLU) when mulx, for n a multiple of
// 16, in place. The same method as expVec (clamp, n = round(t·log2 e),
// Cephes' degree-6 polynomial of the remainder), with the constants held
// in Z16-Z31 for the whole loop, the rounding and the 2^n done by
// VRNDSCALEPS and VSCALEFPS, and 1/(1+e) by VRCP14PS and one Newton step
// (relative error about 2^-28) instead of a division.
TEXT ·sigmoidAVX512(SB), NOSPLIT, $0-17
	MOVQ x+0(FP), DI
	MOVQ n+8(FP), CX
	MOVBLZX mulx+16(FP), DX
	CONST(0xc2ae0000, Z16) // -87
	CONST(0x42b00000, Z17) // 88
	CONST(0x3fb8aa3b, Z18) // log2 e
	CONST(0x3f318000, Z19) // ln 2, high part
	CONST(0xb95e8083, Z20) // ln 2, low part
	CONST(0x39506967, Z21) // polynomial, x^5 ... x^0 of e^r ≈ 1 + r + r²·p(r)
	CONST(0x3ab743ce, Z22)
	CONST(0x3c088908, Z23)
	CONST(0x3d2aa9c1, Z24)
	CONST(0x3e2aaaaa, Z25)
	CONST(0x3f000000, Z26)
	CONST(0x3f800000, Z27) // 1
	CONST(0x40000000, Z28) // 2
	VPXORD Z31, Z31, Z31
	SHRQ $4, CX
	JZ   done

loop:
	VMOVUPS      (DI), Z0
	VSUBPS       Z0, Z31, Z1      // t = -x
	VMAXPS       Z16, Z1, Z1
	VMINPS       Z17, Z1, Z1
	VMULPS       Z18, Z1, Z2
	VRNDSCALEPS  $0, Z2, Z2       // n = round(t·log2 e)
	VFNMADD231PS Z19, Z2, Z1      // r = t - n·ln2
	VFNMADD231PS Z20, Z2, Z1
	VMOVAPS      Z21, Z3
	VFMADD213PS  Z22, Z1, Z3
	VFMADD213PS  Z23, Z1, Z3
	VFMADD213PS  Z24, Z1, Z3
	VFMADD213PS  Z25, Z1, Z3
	VFMADD213PS  Z26, Z1, Z3
	VMULPS       Z1, Z1, Z4
	VFMADD213PS  Z1, Z4, Z3       // p·r² + r
	VADDPS       Z27, Z3, Z3      // e^r
	VSCALEFPS    Z2, Z3, Z3       // e^t = e^r · 2^n
	VADDPS       Z27, Z3, Z3      // d = 1 + e^-x
	VRCP14PS     Z3, Z5
	VMOVAPS      Z28, Z6
	VFNMADD231PS Z3, Z5, Z6       // 2 - d·rcp
	VMULPS       Z6, Z5, Z5       // 1/d
	TESTQ        DX, DX
	JZ           store
	VMULPS       Z0, Z5, Z5

store:
	VMOVUPS Z5, (DI)
	ADDQ    $64, DI
	DECQ    CX
	JNZ     loop

done:
	VZEROUPPER
	RET

//go:build goexperiment.simd

#include "textflag.h"

// func maxPool2x2x8(dst, r0, r1 *float32, n int)
//
// dst[i] = max(r0[2i], r0[2i+1], r1[2i], r1[2i+1]) for i < 8n: the
// vertical max of two rows, then the max of each even and odd pair,
// 8 outputs per step. Branch-free, where the scalar loop's compares
// mispredict on real images.
TEXT ·maxPool2x2x8(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ r0+8(FP), SI
	MOVQ r1+16(FP), DX
	MOVQ n+24(FP), CX

loop:
	VMOVUPS (SI), Y0
	VMOVUPS 32(SI), Y1
	VMAXPS  (DX), Y0, Y0
	VMAXPS  32(DX), Y1, Y1
	// Per 128-bit lane: evens [x0 x2 x8 x10 | x4 x6 x12 x14], odds likewise.
	VSHUFPS $0x88, Y1, Y0, Y2
	VSHUFPS $0xDD, Y1, Y0, Y3
	VMAXPS  Y3, Y2, Y2
	// 64-bit chunks (0,2)(8,10)(4,6)(12,14) back into order.
	VPERMPD $0xD8, Y2, Y2
	VMOVUPS Y2, (DI)
	ADDQ    $64, SI
	ADDQ    $64, DX
	ADDQ    $32, DI
	DECQ    CX
	JNZ     loop
	VZEROUPPER
	RET

//go:build goexperiment.simd

#include "textflag.h"

// func depthwiseTaps64(out *float32, n int, phases *float32, offs *int, w *float32, taps int, b float32)
//
// out[i] = b + Σ_t w[t]·phases[offs[t]+i] for i < n (n a multiple of 64):
// 64 outputs in Z0-Z3 across all the taps, each tap one broadcast of its
// weight and four FMAs from memory.
TEXT ·depthwiseTaps64(SB), NOSPLIT, $0-52
	MOVQ out+0(FP), DI
	MOVQ n+8(FP), CX
	MOVQ phases+16(FP), SI
	MOVQ offs+24(FP), R8
	MOVQ w+32(FP), R9
	MOVQ taps+40(FP), R10
	VBROADCASTSS b+48(FP), Z8
	XORQ AX, AX              // i

outer:
	CMPQ AX, CX
	JGE  done
	VMOVAPS Z8, Z0
	VMOVAPS Z8, Z1
	VMOVAPS Z8, Z2
	VMOVAPS Z8, Z3
	XORQ BX, BX              // t
	LEAQ (SI)(AX*4), R11     // phases + i

tap:
	MOVQ         (R8)(BX*8), DX
	VBROADCASTSS (R9)(BX*4), Z9
	LEAQ         (R11)(DX*4), DX
	VFMADD231PS  (DX), Z9, Z0
	VFMADD231PS  64(DX), Z9, Z1
	VFMADD231PS  128(DX), Z9, Z2
	VFMADD231PS  192(DX), Z9, Z3
	INCQ         BX
	CMPQ         BX, R10
	JLT          tap

	VMOVUPS Z0, (DI)(AX*4)
	VMOVUPS Z1, 64(DI)(AX*4)
	VMOVUPS Z2, 128(DI)(AX*4)
	VMOVUPS Z3, 192(DI)(AX*4)
	ADDQ    $64, AX
	JMP     outer

done:
	VZEROUPPER
	RET

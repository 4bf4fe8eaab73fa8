//go:build goexperiment.simd

#include "textflag.h"

// func kernel4x16(k int, a, b *float32, ldb int, acc *[4 * 16]float32)
//
// acc[r·16+q] = Σ_kk a[kk·4+r] · b[kk·ldb+q] for r < 4, q < 16: one tile of
// packed A (4 values per k) against 16 columns of B, with the eight
// accumulators held in Y0-Y7 for the whole k loop. The Go compiler's own
// code for the same loop (simdTiles) copies registers around its
// three-operand FMAs and spills one accumulator; here the accumulator is
// the FMA's destination and B's two vectors are loaded once per k.
TEXT ·kernel4x16(SB), NOSPLIT, $0-40
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), DI
	MOVQ ldb+24(FP), DX
	SHLQ $2, DX
	MOVQ acc+32(FP), R8
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7

loop:
	VMOVUPS      (DI), Y8
	VMOVUPS      32(DI), Y9
	VBROADCASTSS (SI), Y10
	VBROADCASTSS 4(SI), Y11
	VFMADD231PS  Y8, Y10, Y0
	VFMADD231PS  Y9, Y10, Y1
	VFMADD231PS  Y8, Y11, Y2
	VFMADD231PS  Y9, Y11, Y3
	VBROADCASTSS 8(SI), Y12
	VBROADCASTSS 12(SI), Y13
	VFMADD231PS  Y8, Y12, Y4
	VFMADD231PS  Y9, Y12, Y5
	VFMADD231PS  Y8, Y13, Y6
	VFMADD231PS  Y9, Y13, Y7
	ADDQ         $16, SI
	ADDQ         DX, DI
	DECQ         CX
	JNZ          loop

	VMOVUPS Y0, (R8)
	VMOVUPS Y1, 32(R8)
	VMOVUPS Y2, 64(R8)
	VMOVUPS Y3, 96(R8)
	VMOVUPS Y4, 128(R8)
	VMOVUPS Y5, 160(R8)
	VMOVUPS Y6, 192(R8)
	VMOVUPS Y7, 224(R8)
	VZEROUPPER
	RET

// STEP8x32 is one k step of an 8×32 tile: two masked loads of B, eight
// broadcasts of A and sixteen FMAs into Z0-Z15, then A and B moved on one
// step (shared by kernel8x32 and kernel8x32C).
#define STEP8x32 \
	VMOVUPS.Z    (DI), K1, Z16; \
	VMOVUPS.Z    64(DI), K2, Z17; \
	VBROADCASTSS (SI), Z18; \
	VBROADCASTSS 4(SI), Z19; \
	VFMADD231PS  Z16, Z18, Z0; \
	VFMADD231PS  Z17, Z18, Z1; \
	VFMADD231PS  Z16, Z19, Z2; \
	VFMADD231PS  Z17, Z19, Z3; \
	VBROADCASTSS 8(SI), Z20; \
	VBROADCASTSS 12(SI), Z21; \
	VFMADD231PS  Z16, Z20, Z4; \
	VFMADD231PS  Z17, Z20, Z5; \
	VFMADD231PS  Z16, Z21, Z6; \
	VFMADD231PS  Z17, Z21, Z7; \
	VBROADCASTSS 16(SI), Z22; \
	VBROADCASTSS 20(SI), Z23; \
	VFMADD231PS  Z16, Z22, Z8; \
	VFMADD231PS  Z17, Z22, Z9; \
	VFMADD231PS  Z16, Z23, Z10; \
	VFMADD231PS  Z17, Z23, Z11; \
	VBROADCASTSS 24(SI), Z24; \
	VBROADCASTSS 28(SI), Z25; \
	VFMADD231PS  Z16, Z24, Z12; \
	VFMADD231PS  Z17, Z24, Z13; \
	VFMADD231PS  Z16, Z25, Z14; \
	VFMADD231PS  Z17, Z25, Z15; \
	ADDQ         $32, SI; \
	ADDQ         DX, DI;

// func kernel8x32(k int, a, b *float32, ldb int, acc *[8 * 32]float32, mask uint32)
//
// acc[r·32+q] = Σ_kk a[kk·8+r] · b[kk·ldb+q] for r < 8, q < 32: an 8-row
// panel of packed A against 32 columns of B, in sixteen ZMM accumulators
// (Z0-Z15). Per k: two loads of B (under the masks K1, K2: columns past
// the mask read as zero and are never touched, so the last, narrower tile
// of a row needs no padded copy), eight broadcasts of A and sixteen FMAs,
// which keeps both FMA ports busy behind their four-cycle latency.
TEXT ·kernel8x32(SB), NOSPLIT, $0-44
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), DI
	MOVQ ldb+24(FP), DX
	SHLQ $2, DX
	MOVQ acc+32(FP), R8
	MOVL mask+40(FP), AX
	KMOVW AX, K1
	SHRL $16, AX
	KMOVW AX, K2
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	VPXORD Z4, Z4, Z4
	VPXORD Z5, Z5, Z5
	VPXORD Z6, Z6, Z6
	VPXORD Z7, Z7, Z7
	VPXORD Z8, Z8, Z8
	VPXORD Z9, Z9, Z9
	VPXORD Z10, Z10, Z10
	VPXORD Z11, Z11, Z11
	VPXORD Z12, Z12, Z12
	VPXORD Z13, Z13, Z13
	VPXORD Z14, Z14, Z14
	VPXORD Z15, Z15, Z15

loop8x32:
	STEP8x32
	DECQ         CX
	JNZ          loop8x32

	VMOVUPS Z0, (R8)
	VMOVUPS Z1, 64(R8)
	VMOVUPS Z2, 128(R8)
	VMOVUPS Z3, 192(R8)
	VMOVUPS Z4, 256(R8)
	VMOVUPS Z5, 320(R8)
	VMOVUPS Z6, 384(R8)
	VMOVUPS Z7, 448(R8)
	VMOVUPS Z8, 512(R8)
	VMOVUPS Z9, 576(R8)
	VMOVUPS Z10, 640(R8)
	VMOVUPS Z11, 704(R8)
	VMOVUPS Z12, 768(R8)
	VMOVUPS Z13, 832(R8)
	VMOVUPS Z14, 896(R8)
	VMOVUPS Z15, 960(R8)
	VZEROUPPER
	RET

// func kernel8x32C(k int, a, b *float32, ldb int, c *float32, ldc int, bias *float32, mask uint32, mode uint8)
//
// kernel8x32 with its epilogue in registers, for the common case of no
// residual and no activation but ReLU (mode 1) or ReLU6 (mode 2): the
// accumulators start at the rows' biases (zero when bias is nil), ReLU is
// a max with zero, ReLU6 also a min with six, and the eight
// rows are stored straight into C (row stride ldc floats) under the same
// masks, with no trip through acc and the Go epilogue. All eight rows of C
// must exist.
TEXT ·kernel8x32C(SB), NOSPLIT, $0-61
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), DI
	MOVQ ldb+24(FP), DX
	SHLQ $2, DX
	MOVQ c+32(FP), R8
	MOVQ ldc+40(FP), R9
	SHLQ $2, R9
	MOVQ bias+48(FP), R10
	MOVL mask+56(FP), AX
	KMOVW AX, K1
	SHRL $16, AX
	KMOVW AX, K2
	TESTQ R10, R10
	JZ    zero8x32C
	VBROADCASTSS (R10), Z0
	VBROADCASTSS 4(R10), Z2
	VBROADCASTSS 8(R10), Z4
	VBROADCASTSS 12(R10), Z6
	VBROADCASTSS 16(R10), Z8
	VBROADCASTSS 20(R10), Z10
	VBROADCASTSS 24(R10), Z12
	VBROADCASTSS 28(R10), Z14
	JMP   copy8x32C

zero8x32C:
	VPXORD Z0, Z0, Z0
	VPXORD Z2, Z2, Z2
	VPXORD Z4, Z4, Z4
	VPXORD Z6, Z6, Z6
	VPXORD Z8, Z8, Z8
	VPXORD Z10, Z10, Z10
	VPXORD Z12, Z12, Z12
	VPXORD Z14, Z14, Z14

copy8x32C:
	VMOVAPS Z0, Z1
	VMOVAPS Z2, Z3
	VMOVAPS Z4, Z5
	VMOVAPS Z6, Z7
	VMOVAPS Z8, Z9
	VMOVAPS Z10, Z11
	VMOVAPS Z12, Z13
	VMOVAPS Z14, Z15

loop8x32C:
	STEP8x32
	DECQ         CX
	JNZ          loop8x32C

	MOVBLZX mode+60(FP), AX
	TESTL   AX, AX
	JZ      store8x32C
	VPXORD  Z16, Z16, Z16
	VMAXPS  Z16, Z0, Z0
	VMAXPS  Z16, Z1, Z1
	VMAXPS  Z16, Z2, Z2
	VMAXPS  Z16, Z3, Z3
	VMAXPS  Z16, Z4, Z4
	VMAXPS  Z16, Z5, Z5
	VMAXPS  Z16, Z6, Z6
	VMAXPS  Z16, Z7, Z7
	VMAXPS  Z16, Z8, Z8
	VMAXPS  Z16, Z9, Z9
	VMAXPS  Z16, Z10, Z10
	VMAXPS  Z16, Z11, Z11
	VMAXPS  Z16, Z12, Z12
	VMAXPS  Z16, Z13, Z13
	VMAXPS  Z16, Z14, Z14
	VMAXPS  Z16, Z15, Z15
	CMPL    AX, $2
	JNE     store8x32C
	MOVL    $0x40c00000, BX // 6.0
	VPBROADCASTD BX, Z16
	VMINPS  Z16, Z0, Z0
	VMINPS  Z16, Z1, Z1
	VMINPS  Z16, Z2, Z2
	VMINPS  Z16, Z3, Z3
	VMINPS  Z16, Z4, Z4
	VMINPS  Z16, Z5, Z5
	VMINPS  Z16, Z6, Z6
	VMINPS  Z16, Z7, Z7
	VMINPS  Z16, Z8, Z8
	VMINPS  Z16, Z9, Z9
	VMINPS  Z16, Z10, Z10
	VMINPS  Z16, Z11, Z11
	VMINPS  Z16, Z12, Z12
	VMINPS  Z16, Z13, Z13
	VMINPS  Z16, Z14, Z14
	VMINPS  Z16, Z15, Z15

store8x32C:
	VMOVUPS Z0, K1, (R8)
	VMOVUPS Z1, K2, 64(R8)
	ADDQ    R9, R8
	VMOVUPS Z2, K1, (R8)
	VMOVUPS Z3, K2, 64(R8)
	ADDQ    R9, R8
	VMOVUPS Z4, K1, (R8)
	VMOVUPS Z5, K2, 64(R8)
	ADDQ    R9, R8
	VMOVUPS Z6, K1, (R8)
	VMOVUPS Z7, K2, 64(R8)
	ADDQ    R9, R8
	VMOVUPS Z8, K1, (R8)
	VMOVUPS Z9, K2, 64(R8)
	ADDQ    R9, R8
	VMOVUPS Z10, K1, (R8)
	VMOVUPS Z11, K2, 64(R8)
	ADDQ    R9, R8
	VMOVUPS Z12, K1, (R8)
	VMOVUPS Z13, K2, 64(R8)
	ADDQ    R9, R8
	VMOVUPS Z14, K1, (R8)
	VMOVUPS Z15, K2, 64(R8)
	VZEROUPPER
	RET

//go:build amd64 && !purego

#include "textflag.h"

// Row kernels of the 3×3 depthwise convolution (depthwise.go): 8 output
// columns per step, the nine weights (Y0–Y8), the bias (Y9) and zero (Y10)
// in registers, three partial sums per block (one per input row) added at
// the end, ReLU as a max with zero, and the last block stored through a
// mask. The rows are padded (dw3RowLen), so every load is in bounds.

// dwmask<>: 8 all-ones words then 8 zeros; the 8 words at offset 4·(8−n)
// select the first n lanes.
DATA dwmask<>+0(SB)/4, $0xffffffff
DATA dwmask<>+4(SB)/4, $0xffffffff
DATA dwmask<>+8(SB)/4, $0xffffffff
DATA dwmask<>+12(SB)/4, $0xffffffff
DATA dwmask<>+16(SB)/4, $0xffffffff
DATA dwmask<>+20(SB)/4, $0xffffffff
DATA dwmask<>+24(SB)/4, $0xffffffff
DATA dwmask<>+28(SB)/4, $0xffffffff
DATA dwmask<>+32(SB)/4, $0
DATA dwmask<>+36(SB)/4, $0
DATA dwmask<>+40(SB)/4, $0
DATA dwmask<>+44(SB)/4, $0
DATA dwmask<>+48(SB)/4, $0
DATA dwmask<>+52(SB)/4, $0
DATA dwmask<>+56(SB)/4, $0
DATA dwmask<>+60(SB)/4, $0
GLOBL dwmask<>(SB), RODATA|NOPTR, $64

#define LOADW \
	MOVQ wb+32(FP), AX \
	VBROADCASTSS 0(AX), Y0 \
	VBROADCASTSS 4(AX), Y1 \
	VBROADCASTSS 8(AX), Y2 \
	VBROADCASTSS 12(AX), Y3 \
	VBROADCASTSS 16(AX), Y4 \
	VBROADCASTSS 20(AX), Y5 \
	VBROADCASTSS 24(AX), Y6 \
	VBROADCASTSS 28(AX), Y7 \
	VBROADCASTSS 32(AX), Y8 \
	VBROADCASTSS 36(AX), Y9 \
	VXORPS Y10, Y10, Y10

// S1BLOCK: Y11 = bias + the 9 taps of 8 stride-1 outputs.
#define S1BLOCK \
	VMOVAPS     Y9, Y11 \
	VFMADD231PS (SI), Y0, Y11 \
	VMULPS      (R8), Y3, Y12 \
	VMULPS      (R9), Y6, Y13 \
	VFMADD231PS 4(SI), Y1, Y11 \
	VFMADD231PS 4(R8), Y4, Y12 \
	VFMADD231PS 4(R9), Y7, Y13 \
	VFMADD231PS 8(SI), Y2, Y11 \
	VFMADD231PS 8(R8), Y5, Y12 \
	VFMADD231PS 8(R9), Y8, Y13 \
	VADDPS      Y12, Y11, Y11 \
	VADDPS      Y13, Y11, Y11

// func dw3s1AVX2(out, r0, r1, r2, wb *float32, n int, relu bool)
TEXT ·dw3s1AVX2(SB), NOSPLIT, $0-49
	MOVQ    out+0(FP), DI
	MOVQ    r0+8(FP), SI
	MOVQ    r1+16(FP), R8
	MOVQ    r2+24(FP), R9
	MOVQ    n+40(FP), CX
	MOVBLZX relu+48(FP), DX
	LOADW
s1loop:
	CMPQ CX, $8
	JL   s1tail
	S1BLOCK
	TESTQ DX, DX
	JE    s1store
	VMAXPS Y10, Y11, Y11
s1store:
	VMOVUPS Y11, (DI)
	ADDQ    $32, DI
	ADDQ    $32, SI
	ADDQ    $32, R8
	ADDQ    $32, R9
	SUBQ    $8, CX
	JMP     s1loop
s1tail:
	TESTQ CX, CX
	JE    s1done
	S1BLOCK
	TESTQ DX, DX
	JE    s1mask
	VMAXPS Y10, Y11, Y11
s1mask:
	LEAQ       dwmask<>(SB), BX
	MOVQ       $8, AX
	SUBQ       CX, AX
	VMOVUPS    (BX)(AX*4), Y15
	VMASKMOVPS Y11, Y15, (DI)
s1done:
	VZEROUPPER
	RET

// S2ROW(R, W0, W1, W2, ACC): ACC += taps of one padded row for 8 stride-2
// outputs in the lane order 0 1 4 5 2 3 6 7 (VSHUFPS works within 128-bit
// lanes; one VPERMPD restores the order before the store).
#define S2ROW(R, W0, W1, W2, ACC) \
	VMOVUPS     (R), Y11 \
	VSHUFPS     $0x88, 32(R), Y11, Y12 \
	VSHUFPS     $0xDD, 32(R), Y11, Y11 \
	VFMADD231PS Y12, W0, ACC \
	VFMADD231PS Y11, W1, ACC \
	VMOVUPS     8(R), Y11 \
	VSHUFPS     $0x88, 40(R), Y11, Y11 \
	VFMADD231PS Y11, W2, ACC

#define S2BLOCK \
	VMOVAPS Y9, Y13 \
	VXORPS  Y14, Y14, Y14 \
	S2ROW(SI, Y0, Y1, Y2, Y13) \
	S2ROW(R8, Y3, Y4, Y5, Y14) \
	S2ROW(R9, Y6, Y7, Y8, Y13) \
	VADDPS  Y14, Y13, Y13 \
	VPERMPD $0xD8, Y13, Y13

// func dw3s2AVX2(out, r0, r1, r2, wb *float32, n int, relu bool)
TEXT ·dw3s2AVX2(SB), NOSPLIT, $0-49
	MOVQ    out+0(FP), DI
	MOVQ    r0+8(FP), SI
	MOVQ    r1+16(FP), R8
	MOVQ    r2+24(FP), R9
	MOVQ    n+40(FP), CX
	MOVBLZX relu+48(FP), DX
	LOADW
s2loop:
	CMPQ CX, $8
	JL   s2tail
	S2BLOCK
	TESTQ DX, DX
	JE    s2store
	VMAXPS Y10, Y13, Y13
s2store:
	VMOVUPS Y13, (DI)
	ADDQ    $32, DI
	ADDQ    $64, SI
	ADDQ    $64, R8
	ADDQ    $64, R9
	SUBQ    $8, CX
	JMP     s2loop
s2tail:
	TESTQ CX, CX
	JE    s2done
	S2BLOCK
	TESTQ DX, DX
	JE    s2mask
	VMAXPS Y10, Y13, Y13
s2mask:
	LEAQ       dwmask<>(SB), BX
	MOVQ       $8, AX
	SUBQ       CX, AX
	VMOVUPS    (BX)(AX*4), Y15
	VMASKMOVPS Y13, Y15, (DI)
s2done:
	VZEROUPPER
	RET

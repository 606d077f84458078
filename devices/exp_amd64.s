//go:build amd64 && !purego

#include "textflag.h"

// Four lanes of math.Exp's FMA path (GOROOT/src/math/exp_amd64.s, label
// avxfma, after the checks for non-finite, overflowing and subnormal
// results, which the caller's range rules out): the same constants, the
// same operations in the same order, each rounded as the scalar one is,
// so every lane has math.Exp's bits. The conversion to int32 rounds by
// MXCSR (to nearest, ties to even), as CVTSD2SL does.

#define C(off, v) DATA expc<>+off(SB)/8, v; DATA expc<>+(off+8)(SB)/8, v; DATA expc<>+(off+16)(SB)/8, v; DATA expc<>+(off+24)(SB)/8, v

C(0, $1.4426950408889634073599246810018920)    // LOG2E
C(32, $0.69314718055966295651160180568695068359375) // LN2U
C(64, $0.28235290563031577122588448175013436025525412068e-12) // LN2L
C(96, $0.0625)
C(128, $2.4801587301587301587e-5)
C(160, $1.9841269841269841270e-4)
C(192, $1.3888888888888888889e-3)
C(224, $8.3333333333333333333e-3)
C(256, $4.1666666666666666667e-2)
C(288, $1.6666666666666666667e-1)
C(320, $0.5)
C(352, $1.0)
C(384, $2.0)
C(416, $0x3FF) // exponent bias, as int64
GLOBL expc<>(SB), RODATA|NOPTR, $448

// func expAVX2(x *float64, n int)
TEXT ·expAVX2(SB), NOSPLIT, $0-16
	MOVQ x+0(FP), DI
	MOVQ n+8(FP), CX
	VMOVUPD expc<>+352(SB), Y14 // 1.0
	VMOVUPD expc<>+384(SB), Y15 // 2.0
loop:
	VMOVUPD (DI), Y0
	// exponent k = round(x·LOG2E), kept as int32 (X2) and as float (Y1)
	VMULPD      expc<>+0(SB), Y0, Y1
	VCVTPD2DQY  Y1, X2
	VCVTDQ2PD   X2, Y1
	// r = (x − k·LN2U − k·LN2L)/16
	VFNMADD231PD expc<>+32(SB), Y1, Y0
	VFNMADD231PD expc<>+64(SB), Y1, Y0
	VMULPD      expc<>+96(SB), Y0, Y0
	// Taylor series
	VMOVUPD     expc<>+128(SB), Y1
	VFMADD213PD expc<>+160(SB), Y0, Y1
	VFMADD213PD expc<>+192(SB), Y0, Y1
	VFMADD213PD expc<>+224(SB), Y0, Y1
	VFMADD213PD expc<>+256(SB), Y0, Y1
	VFMADD213PD expc<>+288(SB), Y0, Y1
	VFMADD213PD expc<>+320(SB), Y0, Y1
	VFMADD213PD Y14, Y0, Y1
	VMULPD      Y1, Y0, Y0
	// squared four times back to r·16: y = y·(y + 2), the last fused with + 1
	VADDPD      Y15, Y0, Y1
	VMULPD      Y1, Y0, Y0
	VADDPD      Y15, Y0, Y1
	VMULPD      Y1, Y0, Y0
	VADDPD      Y15, Y0, Y1
	VMULPD      Y1, Y0, Y0
	VADDPD      Y15, Y0, Y1
	VFMADD213PD Y14, Y1, Y0
	// times 2^k
	VPMOVSXDQ   X2, Y3
	VPADDQ      expc<>+416(SB), Y3, Y3
	VPSLLQ      $52, Y3, Y3
	VMULPD      Y3, Y0, Y0
	VMOVUPD     Y0, (DI)
	ADDQ        $32, DI
	SUBQ        $4, CX
	JNZ         loop
	VZEROUPPER
	RET

//go:build amd64 && !purego

#include "textflag.h"

// AVX2 versions of the helpers in vec.go: 8 floats per step, a scalar tail.
// Multiply and add are separate instructions (no FMA), so the results are
// bit-identical to the pure-Go loops.

// func maxIntoAVX2(dst, src *float32, n int)
TEXT ·maxIntoAVX2(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
max16:
	CMPQ CX, $16
	JL   max8
	VMOVUPS (DI), Y0
	VMOVUPS 32(DI), Y1
	VMAXPS  (SI), Y0, Y0
	VMAXPS  32(SI), Y1, Y1
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	ADDQ $64, DI
	ADDQ $64, SI
	SUBQ $16, CX
	JMP  max16
max8:
	CMPQ CX, $8
	JL   max1
	VMOVUPS (DI), Y0
	VMAXPS  (SI), Y0, Y0
	VMOVUPS Y0, (DI)
	ADDQ $32, DI
	ADDQ $32, SI
	SUBQ $8, CX
max1:
	TESTQ CX, CX
	JE    maxdone
	VMOVSS (DI), X0
	VMAXSS (SI), X0, X0
	VMOVSS X0, (DI)
	ADDQ $4, DI
	ADDQ $4, SI
	DECQ CX
	JMP  max1
maxdone:
	VZEROUPPER
	RET

// func addIntoAVX2(dst, src *float32, n int)
TEXT ·addIntoAVX2(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
add16:
	CMPQ CX, $16
	JL   add8
	VMOVUPS (DI), Y0
	VMOVUPS 32(DI), Y1
	VADDPS  (SI), Y0, Y0
	VADDPS  32(SI), Y1, Y1
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	ADDQ $64, DI
	ADDQ $64, SI
	SUBQ $16, CX
	JMP  add16
add8:
	CMPQ CX, $8
	JL   add1
	VMOVUPS (DI), Y0
	VADDPS  (SI), Y0, Y0
	VMOVUPS Y0, (DI)
	ADDQ $32, DI
	ADDQ $32, SI
	SUBQ $8, CX
add1:
	TESTQ CX, CX
	JE    adddone
	VMOVSS (DI), X0
	VADDSS (SI), X0, X0
	VMOVSS X0, (DI)
	ADDQ $4, DI
	ADDQ $4, SI
	DECQ CX
	JMP  add1
adddone:
	VZEROUPPER
	RET

// func axpyAVX2(dst, src *float32, n int, a float32)
TEXT ·axpyAVX2(SB), NOSPLIT, $0-28
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	VBROADCASTSS a+24(FP), Y7
axpy16:
	CMPQ CX, $16
	JL   axpy8
	VMULPS  (SI), Y7, Y0
	VMULPS  32(SI), Y7, Y1
	VADDPS  (DI), Y0, Y0
	VADDPS  32(DI), Y1, Y1
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	ADDQ $64, DI
	ADDQ $64, SI
	SUBQ $16, CX
	JMP  axpy16
axpy8:
	CMPQ CX, $8
	JL   axpy1
	VMULPS  (SI), Y7, Y0
	VADDPS  (DI), Y0, Y0
	VMOVUPS Y0, (DI)
	ADDQ $32, DI
	ADDQ $32, SI
	SUBQ $8, CX
axpy1:
	TESTQ CX, CX
	JE    axpydone
	VMULSS (SI), X7, X0
	VADDSS (DI), X0, X0
	VMOVSS X0, (DI)
	ADDQ $4, DI
	ADDQ $4, SI
	DECQ CX
	JMP  axpy1
axpydone:
	VZEROUPPER
	RET

// func sqAccAVX2(acc, x *float32, n int, sub bool)
TEXT ·sqAccAVX2(SB), NOSPLIT, $0-25
	MOVQ acc+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ n+16(FP), CX
	MOVB sub+24(FP), AX
	TESTB AL, AL
	JNE  sub8
add8:
	CMPQ CX, $8
	JL   addt
	VMOVUPS (SI), Y1
	VMULPS  Y1, Y1, Y1
	VMOVUPS (DI), Y0
	VADDPS  Y1, Y0, Y0
	VMOVUPS Y0, (DI)
	ADDQ $32, DI
	ADDQ $32, SI
	SUBQ $8, CX
	JMP  add8
addt:
	TESTQ CX, CX
	JE    sqdone
	VMOVSS (SI), X1
	VMULSS X1, X1, X1
	VMOVSS (DI), X0
	VADDSS X1, X0, X0
	VMOVSS X0, (DI)
	ADDQ $4, DI
	ADDQ $4, SI
	DECQ CX
	JMP  addt
sub8:
	CMPQ CX, $8
	JL   subt
	VMOVUPS (SI), Y1
	VMULPS  Y1, Y1, Y1
	VMOVUPS (DI), Y0
	VSUBPS  Y1, Y0, Y0
	VMOVUPS Y0, (DI)
	ADDQ $32, DI
	ADDQ $32, SI
	SUBQ $8, CX
	JMP  sub8
subt:
	TESTQ CX, CX
	JE    sqdone
	VMOVSS (SI), X1
	VMULSS X1, X1, X1
	VMOVSS (DI), X0
	VSUBSS X1, X0, X0
	VMOVSS X0, (DI)
	ADDQ $4, DI
	ADDQ $4, SI
	DECQ CX
	JMP  subt
sqdone:
	VZEROUPPER
	RET

// func lrnPow075AVX2(out, x, acc *float32, n int, k, an float32)
// out[i] = x[i] / (r·√r), r = √(k + an·acc[i]).
TEXT ·lrnPow075AVX2(SB), NOSPLIT, $0-40
	MOVQ out+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ acc+16(FP), DX
	MOVQ n+24(FP), CX
	VBROADCASTSS k+32(FP), Y6
	VBROADCASTSS an+36(FP), Y7
lrn8:
	CMPQ CX, $8
	JL   lrn1
	VMOVUPS (DX), Y0
	VMULPS  Y0, Y7, Y0
	VADDPS  Y0, Y6, Y0
	VSQRTPS Y0, Y1
	VSQRTPS Y1, Y2
	VMULPS  Y2, Y1, Y1
	VMOVUPS (SI), Y3
	VDIVPS  Y1, Y3, Y3
	VMOVUPS Y3, (DI)
	ADDQ $32, DI
	ADDQ $32, SI
	ADDQ $32, DX
	SUBQ $8, CX
	JMP  lrn8
lrn1:
	TESTQ CX, CX
	JE    lrndone
	VMOVSS  (DX), X0
	VMULSS  X0, X7, X0
	VADDSS  X0, X6, X0
	VSQRTSS X0, X0, X1
	VSQRTSS X1, X1, X2
	VMULSS  X2, X1, X1
	VMOVSS  (SI), X3
	VDIVSS  X1, X3, X3
	VMOVSS  X3, (DI)
	ADDQ $4, DI
	ADDQ $4, SI
	ADDQ $4, DX
	DECQ CX
	JMP  lrn1
lrndone:
	VZEROUPPER
	RET

// func hmax3s2AVX2(out, t *float32, blocks int)
// For 8·blocks outputs: out[x] = max(t[2x], t[2x+1], t[2x+2]). Reads
// t[0 .. 16·blocks+1]. Evens and odds are separated with VSHUFPS within
// 128-bit lanes, which permutes all three operands the same way, so one
// VPERMPD after the maxima restores the order.
TEXT ·hmax3s2AVX2(SB), NOSPLIT, $0-24
	MOVQ out+0(FP), DI
	MOVQ t+8(FP), SI
	MOVQ blocks+16(FP), CX
	TESTQ CX, CX
	JE    hdone
hloop:
	VMOVUPS (SI), Y0
	VMOVUPS 32(SI), Y1
	VMOVUPS 8(SI), Y2
	VMOVUPS 40(SI), Y3
	VSHUFPS $0x88, Y1, Y0, Y4 // t[2x]
	VSHUFPS $0xDD, Y1, Y0, Y5 // t[2x+1]
	VSHUFPS $0x88, Y3, Y2, Y6 // t[2x+2]
	VMAXPS  Y5, Y4, Y4
	VMAXPS  Y6, Y4, Y4
	VPERMPD $0xD8, Y4, Y4
	VMOVUPS Y4, (DI)
	ADDQ $32, DI
	ADDQ $64, SI
	DECQ CX
	JNE  hloop
hdone:
	VZEROUPPER
	RET

// func streamMaxAVX2(x *float32, n int) float32
// The maximum of x[0:n] (n a multiple of 32), reading memory once with four
// independent accumulators: the memory-bandwidth yardstick of BenchmarkFC.
TEXT ·streamMaxAVX2(SB), NOSPLIT, $0-20
	MOVQ x+0(FP), SI
	MOVQ n+8(FP), CX
	VMOVUPS (SI), Y0
	VMOVUPS Y0, Y1
	VMOVUPS Y0, Y2
	VMOVUPS Y0, Y3
sloop:
	CMPQ CX, $32
	JL   sdone
	VMAXPS (SI), Y0, Y0
	VMAXPS 32(SI), Y1, Y1
	VMAXPS 64(SI), Y2, Y2
	VMAXPS 96(SI), Y3, Y3
	ADDQ $128, SI
	SUBQ $32, CX
	JMP  sloop
sdone:
	VMAXPS Y1, Y0, Y0
	VMAXPS Y3, Y2, Y2
	VMAXPS Y2, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VMAXPS X1, X0, X0
	VPERMILPS $0x4E, X0, X1
	VMAXPS X1, X0, X0
	VPERMILPS $0xB1, X0, X1
	VMAXPS X1, X0, X0
	VMOVSS X0, ret+16(FP)
	VZEROUPPER
	RET

#include "textflag.h"

// func prefetch4(a, b, c, d uintptr)
//
// PREFETCHT0 never faults, whatever the address, and is not ordered by the
// locked instructions of a coroutine switch, so the four loads it starts
// overlap with the work that follows.
TEXT ·prefetch4(SB), NOSPLIT, $0-32
	MOVQ a+0(FP), AX
	PREFETCHT0 (AX)
	MOVQ b+8(FP), AX
	PREFETCHT0 (AX)
	MOVQ c+16(FP), AX
	PREFETCHT0 (AX)
	MOVQ d+24(FP), AX
	PREFETCHT0 (AX)
	RET

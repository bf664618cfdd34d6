/*
 * SHA-256 block function with the ARMv8 AArch32 Cryptographic Extension
 * (SHA256H.32, SHA256H2.32, SHA256SU0.32, SHA256SU1.32), for the arm
 * purgatory on ARMv8 CPUs running 32-bit kernels.  Called only after the
 * entry code found the instructions (ID_ISAR5.SHA2) and enabled the
 * FP/SIMD unit for the current mode; the portable C is the fallback.
 *
 * void sha256_ce_blocks(uint32_t state[8], const uint8_t *data, size_t nblocks)
 *
 * q0/q1 the running state (ABCD, EFGH), q2/q3 the state at the block's
 * start, q4-q7 the message schedule, q8 W+K, q9 a copy of ABCD, q10 the
 * round constants, loaded four at a time.  d8-d15 (q4-q7) are
 * callee-saved in the AAPCS, so they are saved.  Element loads of bytes
 * and words at addresses aligned to their element size are all Device
 * memory (MMU off) allows.
 */
	.syntax	unified
	.arch	armv8-a
	.fpu	crypto-neon-fp-armv8
	.arm

	.section .rodata, "a"
	.balign	16
.Lsha256_k:
#include "sha256_k.inc"

/* Four rounds with schedule words \w; with \next, also extend \w to the
 * words sixteen further on, from \w and the next three groups. */
	.macro	rounds4, w, w1, w2, w3, next
	vld1.32	{q10}, [r3]!
	vadd.i32 q8, \w, q10
	vmov	q9, q0
	sha256h.32 q0, q1, q8
	sha256h2.32 q1, q9, q8
	.if	\next
	sha256su0.32 \w, \w1
	sha256su1.32 \w, \w2, \w3
	.endif
	.endm

	.text
	.globl	sha256_ce_blocks
	.type	sha256_ce_blocks, %function
sha256_ce_blocks:
	cmp	r2, #0
	bxeq	lr
	vpush	{d8-d15}
	vld1.32	{q0, q1}, [r0]
1:	adr	r3, .Lk_addr
	ldr	r12, .Lk_addr
	add	r3, r3, r12			/* PC-relative: the table's run-time address */
	vld1.8	{q4, q5}, [r1]!
	vld1.8	{q6, q7}, [r1]!
	vrev32.8 q4, q4				/* message words are big-endian */
	vrev32.8 q5, q5
	vrev32.8 q6, q6
	vrev32.8 q7, q7
	vmov	q2, q0
	vmov	q3, q1

	rounds4	q4, q5, q6, q7, 1
	rounds4	q5, q6, q7, q4, 1
	rounds4	q6, q7, q4, q5, 1
	rounds4	q7, q4, q5, q6, 1
	rounds4	q4, q5, q6, q7, 1
	rounds4	q5, q6, q7, q4, 1
	rounds4	q6, q7, q4, q5, 1
	rounds4	q7, q4, q5, q6, 1
	rounds4	q4, q5, q6, q7, 1
	rounds4	q5, q6, q7, q4, 1
	rounds4	q6, q7, q4, q5, 1
	rounds4	q7, q4, q5, q6, 1
	rounds4	q4, q5, q6, q7, 0
	rounds4	q5, q6, q7, q4, 0
	rounds4	q6, q7, q4, q5, 0
	rounds4	q7, q4, q5, q6, 0

	vadd.i32 q0, q0, q2
	vadd.i32 q1, q1, q3
	subs	r2, r2, #1
	bne	1b
	vst1.32	{q0, q1}, [r0]
	vpop	{d8-d15}
	bx	lr

	.balign	4
.Lk_addr:
	.long	.Lsha256_k - .Lk_addr
	.size	sha256_ce_blocks, . - sha256_ce_blocks

	.section .note.GNU-stack, "", %progbits

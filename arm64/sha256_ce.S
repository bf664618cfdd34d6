/*
 * SHA-256 block function with the ARMv8 Cryptographic Extension
 * (SHA256H, SHA256H2, SHA256SU0, SHA256SU1).  Used by the purgatory when
 * ID_AA64ISAR0_EL1 reports the instructions, and by the loader when the
 * kernel reports HWCAP_SHA2; the portable C in purgatory/sha256.c is the
 * fallback either way.
 *
 * void sha256_ce_blocks(uint32_t state[8], const uint8_t *data, size_t nblocks)
 *
 * Register use: v0/v1 the running state (ABCD, EFGH), v2/v3 the state at
 * the block's start, v4-v7 the message schedule (four words each, rotating),
 * v16-v31 the 64 round constants, v8/v9 scratch.  v8 and v9 are
 * callee-saved (their low halves) in the AAPCS64, so they are saved.
 * Every memory access is to an address aligned to its element size, as
 * the Device memory of an MMU-off purgatory requires.
 */
	.arch	armv8-a+crypto

	.section .rodata, "a"
	.balign	16
.Lsha256_k:
#include "sha256_k.inc"

/* Four rounds with schedule words \w and constants \k; when \next is 1,
 * also extend the schedule: \w becomes the words sixteen further on, from
 * \w, \w1, \w2, \w3 (the next three groups). */
	.macro	rounds4, w, k, w1, w2, w3, next
	add	v8.4s, \w\().4s, \k\().4s
	mov	v9.16b, v0.16b
	sha256h	q0, q1, v8.4s
	sha256h2 q1, q9, v8.4s
	.if	\next
	sha256su0 \w\().4s, \w1\().4s
	sha256su1 \w\().4s, \w2\().4s, \w3\().4s
	.endif
	.endm

	.text
	.globl	sha256_ce_blocks
	.type	sha256_ce_blocks, %function
	.balign	8
sha256_ce_blocks:
	cbz	x2, 2f
	stp	d8, d9, [sp, #-16]!
	adrp	x3, .Lsha256_k
	add	x3, x3, :lo12:.Lsha256_k
	ld1	{v16.4s-v19.4s}, [x3], #64
	ld1	{v20.4s-v23.4s}, [x3], #64
	ld1	{v24.4s-v27.4s}, [x3], #64
	ld1	{v28.4s-v31.4s}, [x3]
	ld1	{v0.4s, v1.4s}, [x0]
1:
	ld1	{v4.16b-v7.16b}, [x1], #64
	rev32	v4.16b, v4.16b		/* message words are big-endian */
	rev32	v5.16b, v5.16b
	rev32	v6.16b, v6.16b
	rev32	v7.16b, v7.16b
	mov	v2.16b, v0.16b
	mov	v3.16b, v1.16b

	rounds4	v4, v16, v5, v6, v7, 1
	rounds4	v5, v17, v6, v7, v4, 1
	rounds4	v6, v18, v7, v4, v5, 1
	rounds4	v7, v19, v4, v5, v6, 1
	rounds4	v4, v20, v5, v6, v7, 1
	rounds4	v5, v21, v6, v7, v4, 1
	rounds4	v6, v22, v7, v4, v5, 1
	rounds4	v7, v23, v4, v5, v6, 1
	rounds4	v4, v24, v5, v6, v7, 1
	rounds4	v5, v25, v6, v7, v4, 1
	rounds4	v6, v26, v7, v4, v5, 1
	rounds4	v7, v27, v4, v5, v6, 1
	rounds4	v4, v28, v5, v6, v7, 0
	rounds4	v5, v29, v6, v7, v4, 0
	rounds4	v6, v30, v7, v4, v5, 0
	rounds4	v7, v31, v4, v5, v6, 0

	add	v0.4s, v0.4s, v2.4s
	add	v1.4s, v1.4s, v3.4s
	subs	x2, x2, #1
	b.ne	1b
	st1	{v0.4s, v1.4s}, [x0]
	ldp	d8, d9, [sp], #16
2:	ret
	.size	sha256_ce_blocks, . - sha256_ce_blocks

	.section .note.GNU-stack, "", %progbits

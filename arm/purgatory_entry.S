/*
 * 32-bit ARM purgatory entry.  The kernel's relocation code (relocate_kernel.S)
 * jumps here in ARM state with the MMU and D-cache off, in HYP mode when
 * the first kernel was entered in HYP (its hyp stub performed the soft
 * restart) and in SVC mode otherwise, with r0 = 0, r1 = its machine type
 * and r2 = a guess at the boot data.  Nothing here changes the mode, takes
 * an exception, issues HVC/SMC or touches a banked system register, so the
 * next kernel is entered in exactly the mode we were entered in.
 *
 * Every address is formed PC-relative: the image runs wherever the loader
 * put it, and the build proves it holds no absolute address.
 */
#include "purgatory_offsets.h"

	.syntax	unified
	.arm

	.section .text.head, "ax"
	.globl	_start
_start:
	b	purgatory_entry
	mov	r0, r0
	/* struct purgatory_header, read by the loader (purgatory/params.h) */
	.ascii	"KXPGTRY1"
	.long	purgatory_params - _start
	.long	__image_end - _start
	.long	__mem_end - _start
	.long	0

	.type	purgatory_entry, %function
purgatory_entry:
	/* Masking is already done by the kernel; repeat it.  CPS that only
	 * sets A, I and F is legal in SVC and HYP and leaves the mode alone. */
	cpsid	aif
	/* The old kernel's machine type, for PURGATORY_KEEP_R1; r4 survives
	 * the C call (callee-saved). */
	mov	r4, r1

	/* Link-time offsets from .Lanchor turn into run-time addresses. */
	adr	r6, .Lanchor
	ldr	r0, .Lbss_start
	ldr	r1, .Lbss_end
	ldr	r2, .Lstack_top
	add	r0, r0, r6
	add	r1, r1, r6
	add	r2, r2, r6

	/* The kernel zero-fills a segment past its file bytes, but do not rely
	 * on it: clear bss with aligned word stores (MMU off: Device memory,
	 * where an unaligned access faults). */
	mov	r3, #0
1:	cmp	r0, r1
	strlo	r3, [r0], #4
	blo	1b
	mov	sp, r2

	bl	icache_on
	bl	fp_enable
	ldr	r1, .Lsha2
	add	r1, r1, r6
	str	r0, [r1]			/* purgatory_cpu_sha2 */
	bl	purgatory_main
	bl	fp_restore
	bl	icache_restore

	/* booting.rst: r0 = 0, r1 = machine type (~0 with a DTB), r2 = DTB or
	 * ATAGs; the loader wrote them as 64-bit little-endian words, so the
	 * low word of each is at its offset. */
	ldr	r5, .Lparams
	add	r5, r5, r6
	ldr	r3, [r5, #PARAMS_ENTRY]
	ldr	r0, [r5, #PARAMS_REGS]
	ldr	r1, [r5, #PARAMS_REGS + 8]
	ldr	r2, [r5, #PARAMS_REGS + 16]
	ldr	r7, [r5, #PARAMS_FLAGS]
	tst	r7, #PARAMS_FLAG_KEEP_R1
	movne	r1, r4
	/* The kernel is entered in ARM state: never let bit 0 select Thumb. */
	bic	r3, r3, #1
	bx	r3
	.size	purgatory_entry, . - purgatory_entry

	.balign	4
.Lanchor:
.Lbss_start:
	.long	__bss_start - .Lanchor
.Lbss_end:
	.long	__bss_end - .Lanchor
.Lstack_top:
	.long	__stack_top - .Lanchor
.Lparams:
	.long	purgatory_params - .Lanchor
.Lsha2:
	.long	purgatory_cpu_sha2 - .Lanchor

	.text
/*
 * The I-cache on while hashing: with the MMU off, instruction fetches are
 * otherwise uncached, one DRAM access each.  The one place that knows the
 * mode: HSCTLR in HYP, SCTLR in SVC (CPSR.M = 0x1a is HYP).  r8 keeps the
 * control register as we found it and r9 the mode (both callee-saved, so
 * purgatory_main preserves them); icache_restore puts it back and
 * invalidates, so the kernel finds the state it would have had without
 * us and nothing stale (booting.rst allows either I-cache state).
 */
	.type	icache_on, %function
icache_on:
	mrs	r9, cpsr
	and	r9, r9, #0x1f
	mov	r0, #0
	mcr	p15, 0, r0, c7, c5, 0		/* ICIALLU */
	mcr	p15, 0, r0, c7, c5, 6		/* BPIALL */
	dsb
	isb
	cmp	r9, #0x1a
	mrceq	p15, 4, r8, c1, c0, 0		/* HSCTLR */
	mrcne	p15, 0, r8, c1, c0, 0		/* SCTLR */
	orr	r0, r8, #(1 << 12)		/* I */
	mcreq	p15, 4, r0, c1, c0, 0
	mcrne	p15, 0, r0, c1, c0, 0
	isb
	bx	lr
	.size	icache_on, . - icache_on

	.type	icache_restore, %function
icache_restore:
	cmp	r9, #0x1a
	mcreq	p15, 4, r8, c1, c0, 0
	mcrne	p15, 0, r8, c1, c0, 0
	isb
	mov	r0, #0
	mcr	p15, 0, r0, c7, c5, 0		/* ICIALLU */
	mcr	p15, 0, r0, c7, c5, 6		/* BPIALL */
	dsb
	isb
	bx	lr
	.size	icache_restore, . - icache_restore

	.section .note.GNU-stack, "", %progbits

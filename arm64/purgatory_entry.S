/*
 * arm64 purgatory entry.  The kernel's relocation code jumps here with the
 * MMU and caches off, interrupts masked, at EL2 when the first kernel was
 * entered at EL2 (its hyp stub performed the soft restart) and at EL1
 * otherwise.  Nothing here reads or writes a system register with a per-EL
 * copy, takes an exception, or issues HVC/SMC, so the next kernel is
 * entered at exactly the level we were entered at.
 *
 * Every address is formed PC-relative (adr/adrp): the image runs wherever
 * the loader put it, and the build proves it holds no absolute address.
 */
#include "purgatory_offsets.h"

	.section .text.head, "ax"
	.globl	_start
_start:
	b	purgatory_entry
	nop
	/* struct purgatory_header, read by the loader (purgatory/params.h) */
	.ascii	"KXPGTRY1"
	.long	purgatory_params - _start
	.long	__image_end - _start
	.long	__mem_end - _start
	.long	0

	.text
	.type	purgatory_entry, %function
purgatory_entry:
	/* Masking is already done by the kernel; repeat it, it costs nothing
	 * and is legal at EL1 and EL2 alike. */
	msr	daifset, #0xf

	/* The kernel zero-fills a segment past its file bytes, but do not rely
	 * on it: clear bss (8-byte aligned by the linker script; stores stay
	 * aligned, which the Device memory type of MMU-off accesses requires). */
	adrp	x0, __bss_start
	add	x0, x0, :lo12:__bss_start
	adrp	x1, __bss_end
	add	x1, x1, :lo12:__bss_end
1:	cmp	x0, x1
	b.hs	2f
	str	xzr, [x0], #8
	b	1b
2:
	adrp	x0, __stack_top
	add	x0, x0, :lo12:__stack_top
	mov	sp, x0

	bl	cpu_setup
	bl	mmu_on
	bl	purgatory_main
	bl	mmu_off
	bl	cpu_restore

	/* booting.rst: x0 = DTB, x1 = x2 = x3 = 0 (the loader wrote them). */
	adrp	x4, purgatory_params
	add	x4, x4, :lo12:purgatory_params
	ldr	x5, [x4, #PARAMS_ENTRY]
	ldp	x0, x1, [x4, #PARAMS_REGS]
	ldp	x2, x3, [x4, #PARAMS_REGS + 16]
	br	x5
	.size	purgatory_entry, . - purgatory_entry

/*
 * The one place that knows which exception level we run at.  It saves the
 * state it changes in callee-saved registers (x19: SCTLR_ELx, x20: the FP
 * trap control, x21: nonzero at EL2), which purgatory_main preserves, so
 * that cpu_restore can hand the next kernel exactly what we were given.
 *
 * - I-cache on (SCTLR_ELx.I) after invalidating it: with the MMU off,
 *   instruction fetches then hit the cache instead of DRAM.  booting.rst
 *   allows either state at the kernel's entry as long as the I-cache holds
 *   nothing stale for the kernel image; we restore the original state and
 *   invalidate again anyway.
 * - FP/SIMD untrapped, for the SHA-256 instructions: CPACR_EL1.FPEN at EL1;
 *   at EL2, CPTR_EL2.TFP, unless HCR_EL2.E2H is set, in which case
 *   CPTR_EL2 has CPACR_EL1's layout and FPEN is the field.
 * - purgatory_cpu_sha2 set from ID_AA64ISAR0_EL1.SHA2, which both levels
 *   can read.
 */
	.type	cpu_setup, %function
cpu_setup:
	mrs	x21, CurrentEL
	and	x21, x21, #(3 << 2)
	cmp	x21, #(2 << 2)
	cset	x21, eq
	cbnz	x21, 1f

	mrs	x19, sctlr_el1
	mrs	x20, cpacr_el1
	orr	x1, x20, #(3 << 20)		/* CPACR_EL1.FPEN = 0b11 */
	msr	cpacr_el1, x1
	isb
	ic	iallu
	dsb	nsh
	isb
	orr	x1, x19, #(1 << 12)		/* SCTLR_EL1.I */
	msr	sctlr_el1, x1
	isb
	b	3f

1:	mrs	x19, sctlr_el2
	mrs	x20, cptr_el2
	mrs	x1, hcr_el2
	tbnz	x1, #34, 2f			/* HCR_EL2.E2H */
	bic	x1, x20, #(1 << 10)		/* CPTR_EL2.TFP = 0 */
	b	4f
2:	orr	x1, x20, #(3 << 20)		/* CPTR_EL2.FPEN = 0b11 (E2H layout) */
4:	msr	cptr_el2, x1
	isb
	ic	iallu
	dsb	nsh
	isb
	orr	x1, x19, #(1 << 12)		/* SCTLR_EL2.I */
	msr	sctlr_el2, x1
	isb

3:	mrs	x0, id_aa64isar0_el1
	ubfx	x0, x0, #12, #4			/* SHA2: 1 = SHA-256, 2 = also SHA-512 */
	adrp	x1, purgatory_cpu_sha2
	add	x1, x1, :lo12:purgatory_cpu_sha2
	str	w0, [x1]
	ret
	.size	cpu_setup, . - cpu_setup

	.type	cpu_restore, %function
cpu_restore:
	cbnz	x21, 1f
	msr	sctlr_el1, x19
	isb
	msr	cpacr_el1, x20
	b	2f
1:	msr	sctlr_el2, x19
	isb
	msr	cptr_el2, x20
2:	isb
	ic	iallu
	dsb	nsh
	isb
	ret
	.size	cpu_restore, . - cpu_restore

	.section .note.GNU-stack, "", %progbits

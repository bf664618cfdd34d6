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

	bl	purgatory_main

	/* booting.rst: x0 = DTB, x1 = x2 = x3 = 0 (the loader wrote them). */
	adrp	x4, purgatory_params
	add	x4, x4, :lo12:purgatory_params
	ldr	x5, [x4, #PARAMS_ENTRY]
	ldp	x0, x1, [x4, #PARAMS_REGS]
	ldp	x2, x3, [x4, #PARAMS_REGS + 16]
	br	x5
	.size	purgatory_entry, . - purgatory_entry

	.globl	purgatory_halt
	.type	purgatory_halt, %function
purgatory_halt:
	/* With interrupts masked WFI still wakes on a pending interrupt, so
	 * loop: this CPU must never run the unverified kernel. */
1:	wfi
	b	1b
	.size	purgatory_halt, . - purgatory_halt

	.section .note.GNU-stack, "", %progbits

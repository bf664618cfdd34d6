/*
 * arm64 purgatory: the hash with the MMU and D-cache on.
 *
 * With the MMU off every data access is Device-nGnRnE and goes to DRAM; the
 * hash then costs a DRAM round trip per load.  mmu_on points TTBR0 at the
 * identity map the loader built (arm64/idmap.c: only our segments as Normal
 * write-back memory and the UART as Device; nothing else is mapped, so no
 * speculative access can reach another device or memory that is not ours)
 * and turns on M, C and I.  mmu_off undoes it before the kernel is entered.
 *
 * Register convention (set by cpu_setup in purgatory_entry.S, preserved by
 * the C in between as AAPCS64 callee-saved registers):
 *   x21  nonzero at EL2
 *   x22  TCR_ELx, x23 MAIR_ELx, x24 TTBR0_ELx as we found them
 *   x25  nonzero while our MMU is on
 *
 * Cache maintenance, and why (Arm ARM, D7/D8; booting.rst):
 *  - Before the MMU goes on: everything we wrote with the MMU off (bss,
 *    stack, the AP bits patched into the tables) is in DRAM, but the cache
 *    may still hold older clean copies of those lines (the kernel copied
 *    our segment into place through the cache).  Once the caches are on, a
 *    stale line would hide what DRAM holds, so invalidate them (DC IVAC).
 *  - Before the MMU goes off: our stack and bss now have dirty lines.  Left
 *    in the cache they could be written back at any later time, over
 *    memory the next kernel already owns, so clean and invalidate them to
 *    the point of coherency (DC CIVAC).  No store happens between that
 *    maintenance and the switch (this code runs without the stack), so no
 *    dirty line can outlive it and overwrite a later uncached store.
 *  - After the MMU is off: clean and invalidate, to the PoC, everything
 *    the map let the CPU cache: our image once more (lines fetched
 *    speculatively before the switch), the tables (walks are cacheable),
 *    and every segment to its full memsz, not only the bytes we hashed
 *    (the map covers all of it, so speculation may have touched the
 *    tails).  booting.rst wants the kernel image clean to the PoC, and a
 *    clean line left behind for memory the next kernel writes with its
 *    MMU off would be stale once it turns its caches on.  Doing this after
 *    the switch means nothing can refill those lines: with the MMU off
 *    data accesses do not allocate, and DC CIVAC by address works alike
 *    with the MMU on or off (VA = PA here).
 *  - TLBs are invalidated before our tables are used and after, so neither
 *    the old kernel's nor our translations survive.
 *  - At EL2 with HCR_EL2.E2H set, TCR_EL2 has the EL1 layout; that case is
 *    left to the uncached hash rather than handled half-tested.
 */
#include "purgatory_offsets.h"

#define SCTLR_M		(1 << 0)
#define SCTLR_C		(1 << 2)
#define SCTLR_I		(1 << 12)
#define SCTLR_WXN	(1 << 19)

/* TCR: T0SZ=16 (48-bit addresses), walks Inner/Outer write-back
 * write-allocate and Inner Shareable, 4 KiB granule (TG0=0). */
#define TCR_COMMON	(16 | (1 << 8) | (1 << 10) | (3 << 12))
#define TCR_EL1_EPD1	(1 << 23)	/* no TTBR1 walks */
#define MAIR_VALUE	0xff		/* attr0 Normal WB RA/WA, attr1 Device-nGnRnE */

/* Applies DC \op to every line of [\start, \end); \start is clobbered. */
	.macro	dcache_range op, start, end, line, tmp
	cmp	\start, \end
	b.hs	.Ldone\@
	mrs	\tmp, ctr_el0
	ubfx	\tmp, \tmp, #16, #4		/* DminLine: log2 of words */
	mov	\line, #4
	lsl	\line, \line, \tmp
	sub	\tmp, \line, #1
	bic	\start, \start, \tmp
.Lloop\@:
	dc	\op, \start
	add	\start, \start, \line
	cmp	\start, \end
	b.lo	.Lloop\@
.Ldone\@:
	.endm

	.macro	own_range start, end
	adrp	\start, __image_start
	add	\start, \start, :lo12:__image_start
	adrp	\end, __stack_top
	add	\end, \end, :lo12:__stack_top
	.endm

	.text
	.globl	mmu_on
	.type	mmu_on, %function
mmu_on:
	mov	x25, #0
	adrp	x9, purgatory_params
	add	x9, x9, :lo12:purgatory_params
	ldr	x10, [x9, #PARAMS_IDMAP_TTBR0]
	cbz	x10, 9f
	mrs	x11, id_aa64mmfr0_el1
	ubfx	x12, x11, #28, #4		/* TGran4 = 0xf: no 4 KiB granule */
	cmp	x12, #0xf
	b.eq	9f
	and	x13, x11, #0xf			/* PARange, capped at 48 bits */
	mov	x12, #5
	cmp	x13, x12
	csel	x13, x13, x12, ls
	mov	x14, #MAIR_VALUE
	mov	x15, #TCR_COMMON
	cbnz	x21, 1f

	mrs	x22, tcr_el1
	mrs	x23, mair_el1
	mrs	x24, ttbr0_el1
	orr	x15, x15, #TCR_EL1_EPD1
	orr	x15, x15, x13, lsl #32		/* IPS */
	msr	mair_el1, x14
	msr	tcr_el1, x15
	msr	ttbr0_el1, x10
	isb
	tlbi	vmalle1
	b	3f

1:	mrs	x12, hcr_el2
	tbnz	x12, #34, 9f			/* E2H: see above */
	/* AP[1] is RES1 in the EL2 regime: set it in every valid entry (in
	 * table entries that bit is ignored). */
	ldr	x11, [x9, #PARAMS_IDMAP_SIZE]
	add	x11, x10, x11
	mov	x12, x10
2:	ldr	x16, [x12]
	tbz	x16, #0, 4f
	orr	x16, x16, #(1 << 6)
	str	x16, [x12]
4:	add	x12, x12, #8
	cmp	x12, x11
	b.lo	2b
	mrs	x22, tcr_el2
	mrs	x23, mair_el2
	mrs	x24, ttbr0_el2
	orr	x15, x15, #(1 << 31)		/* RES1 */
	orr	x15, x15, #(1 << 23)		/* RES1 */
	orr	x15, x15, x13, lsl #16		/* PS */
	msr	mair_el2, x14
	msr	tcr_el2, x15
	msr	ttbr0_el2, x10
	isb
	tlbi	alle2

3:	dsb	nsh
	isb
	own_range x11, x12
	dcache_range ivac, x11, x12, x13, x14
	ldr	x12, [x9, #PARAMS_IDMAP_SIZE]
	add	x12, x10, x12
	mov	x11, x10
	dcache_range ivac, x11, x12, x13, x14
	dsb	sy

	cbnz	x21, 5f
	mrs	x16, sctlr_el1
	mov	x17, #(SCTLR_M | SCTLR_C | SCTLR_I)
	orr	x16, x16, x17
	bic	x16, x16, #SCTLR_WXN		/* our code pages are writable */
	msr	sctlr_el1, x16
	b	6f
5:	mrs	x16, sctlr_el2
	mov	x17, #(SCTLR_M | SCTLR_C | SCTLR_I)
	orr	x16, x16, x17
	bic	x16, x16, #SCTLR_WXN
	msr	sctlr_el2, x16
6:	isb
	mov	x25, #1
	adrp	x9, purgatory_mmu_on
	add	x9, x9, :lo12:purgatory_mmu_on
	str	w25, [x9]
9:	ret
	.size	mmu_on, . - mmu_on

	.globl	mmu_off
	.type	mmu_off, %function
mmu_off:
	cbz	x25, 9f
	own_range x12, x13
	dcache_range civac, x12, x13, x14, x15
	dsb	sy

	cbnz	x21, 3f
	mrs	x16, sctlr_el1
	mov	x17, #(SCTLR_M | SCTLR_C)
	bic	x16, x16, x17
	msr	sctlr_el1, x16
	b	4f
3:	mrs	x16, sctlr_el2
	mov	x17, #(SCTLR_M | SCTLR_C)
	bic	x16, x16, x17
	msr	sctlr_el2, x16
4:	isb
	own_range x12, x13
	dcache_range civac, x12, x13, x14, x15
	adrp	x9, purgatory_params
	add	x9, x9, :lo12:purgatory_params
	ldp	x12, x13, [x9, #PARAMS_IDMAP_TTBR0]	/* the tables: walks */
	add	x13, x12, x13			/* may have cached them */
	dcache_range civac, x12, x13, x14, x15
	ldr	w10, [x9, #PARAMS_NR_SEGMENTS]
	add	x11, x9, #PARAMS_SEGMENTS
1:	cbz	w10, 2f
	ldp	x12, x13, [x11, #SEGMENT_ADDR]
	add	x13, x12, x13
	dcache_range civac, x12, x13, x14, x15
	add	x11, x11, #SEGMENT_STRIDE
	sub	w10, w10, #1
	b	1b
2:	dsb	sy

	cbnz	x21, 5f
	tlbi	vmalle1
	dsb	nsh
	msr	ttbr0_el1, x24
	msr	tcr_el1, x22
	msr	mair_el1, x23
	b	6f
5:	tlbi	alle2
	dsb	nsh
	msr	ttbr0_el2, x24
	msr	tcr_el2, x22
	msr	mair_el2, x23
6:	isb
	mov	x25, #0
9:	ret
	.size	mmu_off, . - mmu_off

	.section .note.GNU-stack, "", %progbits

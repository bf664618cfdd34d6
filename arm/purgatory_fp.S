/*
 * The FP/SIMD unit for the AArch32 SHA-256 instructions, enabled for the
 * mode we run in and put back as it was before the kernel is entered.
 *
 * Only when ID_ISAR5.SHA2 says the instructions exist (an ARMv8 CPU; on
 * ARMv7 the register reads as zero) and NSACR lets the Non-secure side use
 * coprocessors 10 and 11 (we cannot change NSACR; without it an access
 * would be UNDEFINED and take an exception into the old kernel's vectors).
 *   HYP: HCPTR.TCP10/TCP11/TASE clear, so Hyp-mode accesses do not trap.
 *   SVC: CPACR cp10/cp11 full access.
 *   both: FPEXC.EN.
 * The saved values live in bss (purgatory_fp_saved), written with the MMU
 * off like everything else here.
 */
	.syntax	unified
	.arch	armv8-a
	.fpu	neon-fp-armv8
	.arm

#define HCPTR_TRAPS	((1 << 10) | (1 << 11) | (1 << 15))
#define CPACR_CP10_11	(0xf << 20)
#define FPEXC_EN	(1 << 30)

	.text
	.globl	fp_enable
	.type	fp_enable, %function
/* int fp_enable(void): 1 when the SHA-256 instructions may be used. */
fp_enable:
	mrc	p15, 0, r0, c0, c2, 5		/* ID_ISAR5 */
	ubfx	r0, r0, #12, #4			/* SHA2 */
	cmp	r0, #0
	beq	9f
	mrc	p15, 0, r1, c1, c1, 2		/* NSACR */
	and	r1, r1, #((1 << 10) | (1 << 11))
	cmp	r1, #((1 << 10) | (1 << 11))
	movne	r0, #0
	bne	9f

	adr	r3, .Lsaved_off
	ldr	r2, .Lsaved_off
	add	r3, r3, r2			/* &purgatory_fp_saved */
	mrs	r1, cpsr
	and	r1, r1, #0x1f
	str	r1, [r3, #0]			/* mode */
	cmp	r1, #0x1a			/* HYP */
	mrceq	p15, 4, r1, c1, c1, 2		/* HCPTR */
	mrcne	p15, 0, r1, c1, c0, 2		/* CPACR */
	str	r1, [r3, #4]
	biceq	r1, r1, #HCPTR_TRAPS
	orrne	r1, r1, #CPACR_CP10_11
	mcreq	p15, 4, r1, c1, c1, 2
	mcrne	p15, 0, r1, c1, c0, 2
	isb
	vmrs	r1, fpexc
	str	r1, [r3, #8]
	orr	r1, r1, #FPEXC_EN
	vmsr	fpexc, r1
	isb
	mov	r1, #1
	str	r1, [r3, #12]			/* enabled */
	mov	r0, #1
9:	bx	lr
	.size	fp_enable, . - fp_enable

	.globl	fp_restore
	.type	fp_restore, %function
fp_restore:
	adr	r3, .Lsaved_off
	ldr	r2, .Lsaved_off
	add	r3, r3, r2
	ldr	r1, [r3, #12]
	cmp	r1, #0
	beq	9f
	ldr	r1, [r3, #8]
	vmsr	fpexc, r1
	isb
	ldr	r0, [r3, #0]
	ldr	r1, [r3, #4]
	cmp	r0, #0x1a
	mcreq	p15, 4, r1, c1, c1, 2
	mcrne	p15, 0, r1, c1, c0, 2
	isb
9:	bx	lr
	.size	fp_restore, . - fp_restore

	.balign	4
.Lsaved_off:
	.long	purgatory_fp_saved - .Lsaved_off

	.bss
	.balign	4
	.globl	purgatory_fp_saved
	.hidden	purgatory_fp_saved
purgatory_fp_saved:
	.space	16				/* mode, HCPTR or CPACR, FPEXC, enabled */

	.section .note.GNU-stack, "", %progbits

/* Embeds the 32-bit ARM purgatory image (built by an arm compiler, checked
 * for absolute addresses and FP/SIMD use) into the loader, whatever the
 * loader's host. */
	.section .rodata, "a"
	.balign 16
	.globl	purgatory_arm_image
	.globl	purgatory_arm_image_end
purgatory_arm_image:
	.incbin	PURGATORY_ARM_BIN
purgatory_arm_image_end:

	.section .note.GNU-stack, "", %progbits

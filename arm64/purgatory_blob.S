/* Embeds the arm64 purgatory image (built by the cross compiler, checked
 * for absolute addresses) into the loader, whatever the loader's host. */
	.section .rodata, "a"
	.balign 16
	.globl	purgatory_arm64_image
	.globl	purgatory_arm64_image_end
purgatory_arm64_image:
	.incbin	PURGATORY_ARM64_BIN
purgatory_arm64_image_end:

	.section .note.GNU-stack, "", %progbits

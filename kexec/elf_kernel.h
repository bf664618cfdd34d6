/* A kernel ELF (vmlinux) flattened into the image a boot loader would
 * load: its PT_LOAD segments laid out by physical address from the first,
 * the gaps zeroed, the last segment's BSS left out (as objcopy -O binary
 * does to make arch/arm64/boot/Image). */
#ifndef KEXEC_ELF_KERNEL_H
#define KEXEC_ELF_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

struct elf_kernel {
	uint8_t *data;         /* malloc'd; the caller frees it */
	size_t size;
	unsigned machine;      /* EM_AARCH64 or EM_ARM */
	uint64_t load_paddr;   /* physical address of data[0] */
	uint64_t entry_paddr;  /* e_entry, translated to physical */
	bool has_paddr;        /* some p_paddr differs from its p_vaddr: the
				  ELF says where it goes physically */
};

/* Little-endian ELF for arm or arm64 only; a flat image larger than
 * `limit`, segments that overlap or lie past the end of the file, and an
 * entry point outside every segment are errors.  Messages do not name the
 * file (the caller prefixes it). */
int elf_kernel_flatten(const uint8_t *data, size_t size, size_t limit,
		       struct elf_kernel *out, struct error *err);

#endif

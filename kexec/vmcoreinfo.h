/* VMCOREINFO: the facts the running kernel publishes about its own memory
 * layout, which the crash header needs to compute virtual addresses.  Read
 * from the note in /proc/kcore; nothing is guessed from kallsyms. */
#ifndef KEXEC_VMCOREINFO_H
#define KEXEC_VMCOREINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

struct vmcoreinfo {
	char osrelease[65];
	bool has_va_bits;
	uint32_t va_bits;
	bool has_phys_offset;
	uint64_t phys_offset;     /* arm64: memstart_addr */
	bool has_kimage_voffset;
	uint64_t kimage_voffset;  /* arm64: kernel image VA - PA */
	bool has_page_offset;
	uint64_t page_offset;     /* arm: NUMBER(PAGE_OFFSET) where published */
	uint64_t page_size;
};

/* Parses the "KEY=VALUE" lines of a VMCOREINFO note.  Unknown keys are
 * ignored; a malformed number for a key we use is -EINVAL. */
int vmcoreinfo_parse(const char *text, size_t len, struct vmcoreinfo *info,
		     struct error *err);

/* Finds the VMCOREINFO note in the start of /proc/kcore (its ELF header,
 * program headers and notes: `size` bytes read from offset 0).  Sets
 * *text and *text_len into `kcore`.  -ENOENT when the kernel has none;
 * -EAGAIN with *need set when more bytes must be read. */
int kcore_find_vmcoreinfo(const uint8_t *kcore, size_t size,
			  const char **text, size_t *text_len, size_t *need,
			  struct error *err);

/* The linear map as /proc/kcore's own program headers give it (ELF32 or
 * ELF64, from offset 0 as above): *vaddr is where the kernel maps the RAM
 * that starts at physical ram_start, from the PT_LOAD whose p_paddr is
 * ram_start.  This is how 32-bit arm, whose VMCOREINFO carries neither
 * PAGE_OFFSET nor PHYS_OFFSET, tells its linear map.  -ENOENT when no
 * PT_LOAD starts there; -EAGAIN with *need as above. */
int kcore_linear_map(const uint8_t *kcore, size_t size, uint64_t ram_start,
		     uint64_t *vaddr, size_t *need, struct error *err);

#endif

/* The ELF core header a crash kernel reads to build /proc/vmcore: where the
 * dead kernel's CPU notes, VMCOREINFO and memory are, physically and
 * virtually.  Pure: every fact comes in through struct crash_facts. */
#ifndef KEXEC_CRASH_HEADER_H
#define KEXEC_CRASH_HEADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "memrange.h"
#include "vmcoreinfo.h"

#define CRASH_MAX_CPUS 4096

struct crash_note_ref {
	uint64_t addr;   /* physical */
	uint64_t size;
};

struct crash_facts {
	uint16_t machine;             /* EM_AARCH64 or EM_ARM */
	struct mem_ranges ram;        /* System RAM, from /proc/iomem */
	struct mem_ranges crash;      /* the Crash kernel region(s) */
	uint64_t kernel_start;        /* "Kernel code" start (physical) */
	uint64_t kernel_end;          /* "Kernel data" end, exclusive */
	struct crash_note_ref *cpu_notes; /* per possible CPU */
	size_t nr_cpu_notes;
	struct crash_note_ref vmcoreinfo; /* /sys/kernel/vmcoreinfo */
	struct vmcoreinfo info;       /* the note's contents, from /proc/kcore */
	/* arm: the linear map from /proc/kcore's PT_LOAD for the lowest
	 * System RAM (its VMCOREINFO has no PAGE_OFFSET).  Without it (no
	 * /proc/kcore before about Linux 6.14) the PT_LOADs get vaddr 0: unknown. */
	bool has_kcore_linear_map;
	uint64_t kcore_linear_paddr;
	uint64_t kcore_linear_vaddr;
	/* arm, without either of the above: _text's virtual address from
	 * /proc/kallsyms.  "Kernel code" in /proc/iomem is _text's physical
	 * address, so the two give the linear map. */
	bool has_text_vaddr;
	uint64_t text_vaddr;
};

/* Builds the header (malloc'd into *out).  ELF64 for arm64; for arm, ELF32
 * unless RAM reaches past 4 GiB (LPAE).  Fails, naming the missing fact,
 * rather than write an address it cannot compute.  On arm the linear map
 * comes from the first of: NUMBER(PAGE_OFFSET) and NUMBER(PHYS_OFFSET) in
 * VMCOREINFO, /proc/kcore's program headers, _text in /proc/kallsyms
 * against "Kernel code"; and failing all three (addresses hidden), the
 * defaults of every multiplatform kernel: PAGE_OFFSET 0xc0000000 (the 3G/1G
 * split) and PHYS_OFFSET "Kernel code" rounded down to 128 MiB (where the
 * zImage decompressor puts the kernel, TEXT_OFFSET above that).  RAM
 * outside the linear map (highmem) gets vaddr 0. */
int crash_header_build(const struct crash_facts *facts, uint8_t **out,
		       size_t *size, struct error *err);

/* Where the arm linear map comes from, as crash_header_build decides:
 * *page_offset maps *phys_offset; *source names the fact ("VMCOREINFO",
 * "/proc/kcore", "/proc/kallsyms _text", "defaults").  Exposed for tests
 * and -d. */
void arm_linear_map(const struct crash_facts *facts, uint64_t *page_offset,
		    uint64_t *phys_offset, const char **source);

/* The arm64 linear map's base for this VA_BITS and kernel release: the
 * layout flipped in v5.4 (linear map moved to the bottom of the kernel
 * half).  Exposed for tests. */
int arm64_page_offset(const struct vmcoreinfo *info, uint64_t *page_offset,
		      struct error *err);

#endif

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
};

/* Builds the header (malloc'd into *out).  ELF64 for arm64; for arm, ELF32
 * unless RAM reaches past 4 GiB (LPAE).  Fails, naming the missing fact,
 * rather than write an address it cannot compute; on arm, where the running
 * kernel may export no linear map at all, such addresses are written as 0
 * (the capture kernel reads the dump by physical address only). */
int crash_header_build(const struct crash_facts *facts, uint8_t **out,
		       size_t *size, struct error *err);

/* The arm64 linear map's base for this VA_BITS and kernel release: the
 * layout flipped in v5.4 (linear map moved to the bottom of the kernel
 * half).  Exposed for tests. */
int arm64_page_offset(const struct vmcoreinfo *info, uint64_t *page_offset,
		      struct error *err);

#endif

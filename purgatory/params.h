/* The contract between the loader and the purgatory: the header at the
 * start of every purgatory image and the parameter block the loader fills
 * in before it hands the image to the kernel.  Fixed-width little-endian
 * fields at natural alignment, so one definition serves a 64-bit or 32-bit
 * loader and either purgatory. */
#ifndef PURGATORY_PARAMS_H
#define PURGATORY_PARAMS_H

#include <stdint.h>

#define PURGATORY_MAGIC "KXPGTRY1"      /* 8 bytes, no terminator in the image */
#define PURGATORY_MAX_SEGMENTS 16       /* KEXEC_SEGMENT_MAX in the kernel */
#define PURGATORY_MAX_RANGES 128        /* digests: PLAN_MAX_DIGESTS */

/* At offset 0 of the image: two instruction words (a branch over the
 * header), then these fields.  Offsets are from the image start. */
struct purgatory_header {
	uint32_t code[2];
	char magic[8];
	uint32_t params_offset;  /* where struct purgatory_params lives */
	uint32_t file_size;      /* bytes of the image file */
	uint32_t mem_size;       /* bytes it occupies when running (bss, stack) */
	uint32_t reserved;
};

enum purgatory_flags {
	PURGATORY_VERIFY = 1u << 0,  /* hash every segment before the jump */
	PURGATORY_VERBOSE = 1u << 1, /* say so on the console when it passes */
	/* arm: hand the next kernel the r1 the old one entered us with (its
	 * machine type: what an ATAG boot needs, and all the kernel tells). */
	PURGATORY_KEEP_R1 = 1u << 2,
	/* Hash with the portable code even where the CPU has SHA-256
	 * instructions: keeps the fallback tested on any CPU. */
	PURGATORY_PORTABLE_HASH = 1u << 3,
};

enum purgatory_uart {
	PURGATORY_UART_NONE = 0,
	PURGATORY_UART_PL011 = 1,
	PURGATORY_UART_NS16550 = 2,
};

/* Where a segment lies: all of it, to its memsz, which the identity map
 * covers and the caches must be cleaned of before the next kernel runs. */
struct purgatory_segment {
	uint64_t addr;
	uint64_t size;
};

/* Part of a segment (its bytes [addr, addr + size)) and their SHA-256.
 * The loader cuts large segments into several ranges so that it can hash
 * them on several CPUs; every byte of every segment's buffer is in exactly
 * one range. */
struct purgatory_range {
	uint64_t addr;
	uint64_t size;
	uint8_t sha256[32];
	uint32_t segment;     /* which segment, for the report */
	uint32_t reserved;
};

struct purgatory_params {
	uint64_t entry;       /* the next kernel's entry point */
	uint64_t regs[4];     /* arm64: x0-x3; arm: r0-r2 (regs[3] unused) */
	uint32_t flags;       /* enum purgatory_flags */
	uint32_t nr_segments;
	uint64_t uart_addr;   /* where mismatches are reported, if anywhere */
	uint32_t uart_kind;   /* enum purgatory_uart */
	uint32_t uart_reg_shift;
	uint32_t uart_io_width;
	uint32_t nr_ranges;
	/* arm64: translation tables (built by the loader, inside the
	 * purgatory's segment) identity-mapping every segment as Normal
	 * cacheable memory and the UART as Device, so the hash can run with
	 * the MMU and D-cache on.  0: hash with the MMU off. */
	uint64_t idmap_ttbr0;
	uint64_t idmap_size;
	struct purgatory_segment segments[PURGATORY_MAX_SEGMENTS];
	struct purgatory_range ranges[PURGATORY_MAX_RANGES];
};

#endif

/* Device tree work for the next kernel, on top of libfdt.  Everything takes
 * a caller's blob and returns a new one: nothing here touches the system.
 * Every function but dtb_check expects a blob that passed dtb_check (in an
 * 8-byte aligned buffer): then none of them crashes, hangs or reads outside
 * the blob, whatever it holds. */
#ifndef KEXEC_DTB_H
#define KEXEC_DTB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "error.h"
#include "memrange.h"

#define DTB_MAX_SIZE (2u << 20) /* booting.rst: the DTB must not exceed 2 MiB */

/* Checks that blob is a complete, well-formed FDT of exactly that size or
 * less: version 16 or 17 (or later, readable as 17), at most DTB_MAX_SIZE
 * bytes, every header offset and size inside it, every tag and name sound.
 * Names `what` (a path) in the one-line message. */
int dtb_check(const void *blob, size_t size, const char *what, struct error *err);

struct chosen_update {
	const char *bootargs;       /* NULL: leave /chosen/bootargs as it is */
	bool has_initrd;            /* false: delete linux,initrd-start/end */
	uint64_t initrd_start;
	uint64_t initrd_end;        /* exclusive, as the kernel reads it */
	const uint8_t *rng_seed;    /* rng_seed_size bytes; size 0: no rng-seed */
	size_t rng_seed_size;
	uint64_t kaslr_seed;        /* written only where /chosen has kaslr-seed */
	/* A crash kernel: where the ELF core header is and which memory it
	 * may use.  A crash DTB is written at load time and used much later,
	 * so it carries no seeds (rng-seed and kaslr-seed are removed). */
	bool crash;
	uint64_t elfcorehdr_addr;
	uint64_t elfcorehdr_size;
	const struct mem_range *usable_ranges; /* in the order to write */
	size_t nr_usable_ranges;
};

/* Returns in *out (malloc'd, caller frees) a packed copy of `blob` whose
 * /chosen (created if missing) carries the update; repeated copies of the
 * properties it owns are dropped (as NOPs), so only what it wrote is read.  initrd properties are
 * written with the root's #address-cells (1 or 2 cells).  For a normal load
 * the properties a crash load leaves behind (linux,elfcorehdr,
 * linux,usable-memory-range) are removed; for a crash load they are
 * written as <address size> pairs in the root's cells (1 or 2 each; a
 * value they cannot hold, or a header wrapping past 2^64, is refused rather
 * than truncated).  linux,uefi-* and everything else are kept.  Fails when the result would exceed
 * DTB_MAX_SIZE. */
int dtb_update_chosen(const void *blob, const struct chosen_update *update,
		      void **out, size_t *out_size, struct error *err);

/* What an update removed: the /chosen properties dtb_update_chosen owns
 * that `before` has and `after` (its result) lacks, as a comma-separated
 * list in buf ("" for none, cut to size). */
void dtb_chosen_removed(const void *before, const void *after, char *buf, size_t size);

/* Prints what the next kernel finds in the /chosen of `blob` (an update's
 * result), for --dry-run and -d: its command line, exactly, and each
 * property an update owns that is there, with its value (rng-seed and
 * kaslr-seed by size only: they are secrets).  Lines:
 *   command line: "TEXT" (N bytes with its NUL; /chosen/bootargs)
 *   /chosen:
 *     bootargs: the command line above
 *     linux,initrd-start: 0xADDR ... */
void dtb_print_chosen(FILE *out, const void *blob);

/* RAM as the DTB describes it: every /memory node's reg (device_type
 * "memory"); holes: /memreserve/ entries and /reserved-memory children with
 * a reg.  A DTB with no memory node (UEFI boot) gives -ENOENT.  A range
 * ending exactly at 2^64 is capped at UINT64_MAX (memrange.c); one wrapping
 * past it, an address or size beyond 64 bits, #address-cells 0 or above 4
 * and a reg that is not whole entries are refused (-EINVAL).  Both sets
 * are normalized on return. */
int dtb_memory(const void *blob, struct mem_ranges *ram,
	       struct mem_ranges *reserved, struct error *err);

enum uart_kind {
	UART_NONE = 0,
	UART_PL011 = 1,
	UART_NS16550 = 2, /* 8250 family: reg_shift and io_width matter */
};

struct uart_info {
	enum uart_kind kind;
	uint64_t addr;
	uint32_t reg_shift;  /* register stride is 1 << reg_shift bytes */
	uint32_t io_width;   /* access width in bytes: 1 or 4 */
};

/* Finds the console named by /chosen/stdout-path (or linux,stdout-path):
 * an absolute path, or an alias holding one, optionally followed by
 * "/sub/path"; any ":options" suffix is ignored; fills *uart for a
 * compatible we can drive ("arm,pl011", "ns16550a", "ns16550",
 * "snps,dw-apb-uart").  Returns 0, or -ENOENT when there is none we know. */
int dtb_stdout_uart(const void *blob, struct uart_info *uart);

/* /chosen/bootargs, pointing into the blob, or NULL when there is none
 * (or it is not one NUL-terminated string). */
const char *dtb_bootargs(const void *blob);

#endif

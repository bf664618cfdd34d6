/* The plan: everything kexec_load(2) will be handed, decided without
 * touching the system, so that it can be printed (--dry-run, -d) and unit
 * tested from fixtures. */
#ifndef KEXEC_PLAN_H
#define KEXEC_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "memrange.h"
#include "sha256.h"

#define PLAN_MAX_SEGMENTS 16 /* KEXEC_SEGMENT_MAX */

struct plan_segment {
	const char *name;     /* "kernel", "initrd", "dtb", "purgatory" */
	char source[256];     /* a path, or what generated it */
	const void *buf;
	size_t bufsz;
	uint64_t mem;         /* page aligned */
	uint64_t memsz;       /* page aligned, >= bufsz */
	uint8_t sha256[SHA256_DIGEST_SIZE];
	void *owned;          /* freed with the plan (buf points into it) */
};

struct plan {
	struct plan_segment segments[PLAN_MAX_SEGMENTS];
	size_t nr_segments;
	uint64_t page_size;
	uint64_t entry;          /* what the kernel jumps to: the purgatory */
	uint64_t kernel_entry;   /* what the purgatory jumps to */
	uint64_t kernel_regs[4]; /* arm64 x0-x3, arm r0-r2 */
	uint32_t purgatory_flags;
	char notes[1024];        /* what the backend found (format, offsets) */
};

void plan_init(struct plan *plan, uint64_t page_size);
void plan_free(struct plan *plan);

/* Adds a segment of bufsz bytes (memsz >= bufsz) at mem.  mem and memsz
 * are rounded to pages here: mem down (the caller aligned it already for
 * anything that matters), memsz up.  Fails when the plan is full or the
 * segment overlaps one already planned. */
int plan_add_segment(struct plan *plan, const char *name, const char *source,
		     const void *buf, size_t bufsz, uint64_t mem, uint64_t memsz,
		     void *owned, struct error *err);

/* Lowest address with the given alignment where size bytes fit inside
 * `usable` without touching a planned segment, at or above min and ending
 * at or below max (inclusive). */
int plan_find_space(const struct plan *plan, const struct mem_ranges *usable,
		    uint64_t size, uint64_t align, uint64_t min, uint64_t max,
		    uint64_t *addr);

/* The same, highest such address. */
int plan_find_space_highest(const struct plan *plan, const struct mem_ranges *usable,
			    uint64_t size, uint64_t align, uint64_t min, uint64_t max,
			    uint64_t *addr);

/* Appends to plan->notes (a line of its own). */
void plan_note(struct plan *plan, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Hashes every segment planned so far. */
void plan_hash_segments(struct plan *plan);

#endif

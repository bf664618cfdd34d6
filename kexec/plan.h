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
/* Segments are hashed in chunks, each with its own SHA-256, so that the
 * loader can hash one large segment on several CPUs at once and the
 * purgatory can say which part of a segment went bad.  Chunks are 4 MiB,
 * doubled as often as needed to fit the table (which the purgatory holds,
 * so it is fixed in size).  The split depends only on the segment sizes,
 * never on the machine's CPUs: the same files give the same digests. */
#define PLAN_MAX_DIGESTS 128 /* PURGATORY_MAX_RANGES */
#define PLAN_DIGEST_CHUNK_MIN (4u << 20)

struct plan_segment {
	const char *name;     /* "kernel", "initrd", "dtb", "purgatory" */
	char source[256];     /* a path, or what generated it */
	const void *buf;
	size_t bufsz;
	uint64_t mem;         /* page aligned */
	uint64_t memsz;       /* page aligned, >= bufsz */
	void *owned;          /* freed with the plan (buf points into it) */
};

/* The SHA-256 of bytes [offset, offset + size) of one segment's buffer. */
struct plan_digest {
	size_t segment;
	uint64_t offset;
	uint64_t size;
	uint8_t sha256[SHA256_DIGEST_SIZE];
};

struct plan {
	struct plan_segment segments[PLAN_MAX_SEGMENTS];
	size_t nr_segments;
	struct plan_digest digests[PLAN_MAX_DIGESTS];
	size_t nr_digests;
	uint64_t digest_chunk;   /* the chunk size the digests were cut at */
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
 * anything that matters), memsz up.  Fails when the plan is full, the
 * segment overlaps one already planned, has no bytes, or reaches past
 * 2^64. */
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

/* Fails with -ENOSPC and a message with the figures ("PATH: initrd of
 * 900 MiB does not fit: the largest usable RAM range in /proc/iomem is
 * 960 MiB (1024 MiB in all)") when `size` bytes exceed the largest range of
 * `usable` (the crash regions when `crash`); 0 when they do not, and the
 * caller names what else stood in the way.  path may be NULL. */
int plan_fits_at_all(const struct mem_ranges *usable, uint64_t size, bool crash,
		     const char *memory_source, const char *path, const char *what,
		     struct error *err);

/* What the kernel will be promised, checked once the plan is complete:
 * every segment whole pages inside `usable`, bufsz <= memsz, no two
 * overlapping.  A failure is a planner bug (-EFAULT). */
int plan_check_inside(const struct plan *plan, const struct mem_ranges *usable,
		      struct error *err);

/* Appends to plan->notes (a line of its own). */
void plan_note(struct plan *plan, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The smallest chunk size (PLAN_DIGEST_CHUNK_MIN doubled as often as
 * needed) that cuts every segment planned so far into at most
 * PLAN_MAX_DIGESTS chunks in all; 0 if none does.  A segment with no bytes
 * still gets one (empty) chunk, so every segment is in the table. */
uint64_t plan_digest_chunk(const struct plan *plan);

/* Cuts every segment planned so far into chunks (plan->digests) and
 * hashes them, on up to `threads` threads (0 or 1: this one only).  Fails
 * only if the segments are too large for the table even at the largest
 * chunk size. */
int plan_hash_segments(struct plan *plan, unsigned int threads, struct error *err);

#endif

#include "plan.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sha256_jobs.h"

void plan_init(struct plan *plan, uint64_t page_size)
{
	memset(plan, 0, sizeof(*plan));
	plan->page_size = page_size;
}

void plan_free(struct plan *plan)
{
	size_t i;

	for (i = 0; i < plan->nr_segments; i++)
		free(plan->segments[i].owned);
	plan->nr_segments = 0;
}

/* value rounded up to a multiple of align (a power of two); false when
 * that is past 2^64. */
static bool round_up(uint64_t value, uint64_t align, uint64_t *out)
{
	if (value > UINT64_MAX - (align - 1))
		return false;
	*out = (value + align - 1) & ~(align - 1);
	return true;
}

int plan_add_segment(struct plan *plan, const char *name, const char *source,
		     const void *buf, size_t bufsz, uint64_t mem, uint64_t memsz,
		     void *owned, struct error *err)
{
	struct plan_segment *seg;
	uint64_t start = mem & ~(plan->page_size - 1);
	uint64_t end;
	size_t i;

	/* The kernel takes [mem, mem + memsz) on trust from here on: a
	 * segment that wraps or has no pages would make every later overlap
	 * and containment test wrong. */

	if (plan->nr_segments >= PLAN_MAX_SEGMENTS) {
		free(owned);
		return error_set(err, -E2BIG, "%s: more than %d segments",
				 name, PLAN_MAX_SEGMENTS);
	}
	if (memsz < bufsz)
		memsz = bufsz;
	if (start != mem) {
		free(owned);
		return error_set(err, -EINVAL, "%s: address 0x%" PRIx64
				 " is not page aligned", name, mem);
	}
	if (memsz == 0) {
		free(owned);
		return error_set(err, -EINVAL, "%s: a segment of 0 bytes", name);
	}
	if (memsz > UINT64_MAX - mem || !round_up(mem + memsz, plan->page_size, &end)) {
		free(owned);
		return error_set(err, -EINVAL, "%s at 0x%" PRIx64 ": 0x%" PRIx64
				 " bytes reach past the end of the 64-bit address space",
				 name, mem, memsz);
	}
	for (i = 0; i < plan->nr_segments; i++) {
		const struct plan_segment *other = &plan->segments[i];

		if (start < other->mem + other->memsz && other->mem < end) {
			free(owned);
			return error_set(err, -EINVAL,
					 "%s at 0x%" PRIx64 " overlaps %s at 0x%" PRIx64,
					 name, start, other->name, other->mem);
		}
	}
	seg = &plan->segments[plan->nr_segments++];
	memset(seg, 0, sizeof(*seg));
	seg->name = name;
	snprintf(seg->source, sizeof(seg->source), "%s", source);
	seg->buf = buf;
	seg->bufsz = bufsz;
	seg->mem = start;
	seg->memsz = end - start;
	seg->owned = owned;
	return 0;
}

/* The usable ranges minus what the plan already occupies. */
static int free_space(const struct plan *plan, const struct mem_ranges *usable,
		      struct mem_ranges *free_ranges)
{
	size_t i;
	int ret;

	mem_ranges_init(free_ranges);
	ret = mem_ranges_copy(free_ranges, usable);
	for (i = 0; ret == 0 && i < plan->nr_segments; i++)
		ret = mem_ranges_subtract(free_ranges, plan->segments[i].mem,
					  plan->segments[i].mem + plan->segments[i].memsz);
	return ret;
}

static int find_space(const struct plan *plan, const struct mem_ranges *usable,
		      uint64_t size, uint64_t align, uint64_t min, uint64_t max,
		      bool highest, uint64_t *addr)
{
	struct mem_ranges free_ranges;
	int ret;

	if (!round_up(size, plan->page_size, &size))
		return -ENOSPC;
	ret = free_space(plan, usable, &free_ranges);
	if (align < plan->page_size)
		align = plan->page_size;
	if (ret == 0)
		ret = highest ? mem_ranges_find_highest(&free_ranges, size, align, min, max, addr)
			      : mem_ranges_find_lowest(&free_ranges, size, align, min, max, addr);
	mem_ranges_free(&free_ranges);
	return ret;
}

int plan_find_space(const struct plan *plan, const struct mem_ranges *usable,
		    uint64_t size, uint64_t align, uint64_t min, uint64_t max,
		    uint64_t *addr)
{
	return find_space(plan, usable, size, align, min, max, false, addr);
}

int plan_find_space_highest(const struct plan *plan, const struct mem_ranges *usable,
			    uint64_t size, uint64_t align, uint64_t min, uint64_t max,
			    uint64_t *addr)
{
	return find_space(plan, usable, size, align, min, max, true, addr);
}

int plan_fits_at_all(const struct mem_ranges *usable, uint64_t size, bool crash,
		     const char *memory_source, const char *path, const char *what,
		     struct error *err)
{
	char need[32], largest[32], total[32];
	uint64_t big = mem_ranges_largest(usable);

	if (size <= big)
		return 0;
	size_text(need, sizeof(need), size);
	size_text(largest, sizeof(largest), big);
	size_text(total, sizeof(total), mem_ranges_total(usable));
	if (crash)
		return error_set(err, -ENOSPC, "%s%s%s of %s does not fit: the largest range of the crash region is %s (%s in all): boot with a larger crashkernel=",
				 path ? path : "", path ? ": " : "", what, need, largest, total);
	return error_set(err, -ENOSPC, "%s%s%s of %s does not fit: the largest usable RAM range in %s is %s (%s in all)",
			 path ? path : "", path ? ": " : "", what, need, memory_source, largest,
			 total);
}

int plan_check_inside(const struct plan *plan, const struct mem_ranges *usable,
		      struct error *err)
{
	size_t i, j;

	for (i = 0; i < plan->nr_segments; i++) {
		const struct plan_segment *a = &plan->segments[i];

		if (a->mem % plan->page_size || a->memsz % plan->page_size || a->memsz == 0 ||
		    a->bufsz > a->memsz || !mem_ranges_contains(usable, a->mem, a->mem + a->memsz))
			return error_set(err, -EFAULT, "internal error: %s at 0x%" PRIx64 " (0x%" PRIx64 " bytes) is not whole pages of usable memory",
					 a->name, a->mem, a->memsz);
		for (j = 0; j < i; j++) {
			const struct plan_segment *b = &plan->segments[j];

			if (a->mem < b->mem + b->memsz && b->mem < a->mem + a->memsz)
				return error_set(err, -EFAULT, "internal error: %s at 0x%" PRIx64 " overlaps %s at 0x%" PRIx64,
						 a->name, a->mem, b->name, b->mem);
		}
	}
	return 0;
}

void plan_note(struct plan *plan, const char *fmt, ...)
{
	size_t used = strlen(plan->notes);
	va_list ap;

	if (used + 2 >= sizeof(plan->notes))
		return;
	va_start(ap, fmt);
	vsnprintf(plan->notes + used, sizeof(plan->notes) - used - 1, fmt, ap);
	va_end(ap);
	used = strlen(plan->notes);
	plan->notes[used] = '\n';
	plan->notes[used + 1] = '\0';
}

uint64_t plan_digest_chunk(const struct plan *plan)
{
	uint64_t chunk;

	for (chunk = PLAN_DIGEST_CHUNK_MIN; chunk <= (UINT64_C(1) << 40); chunk <<= 1) {
		uint64_t count = 0;
		size_t i;

		for (i = 0; i < plan->nr_segments; i++) {
			uint64_t n = (plan->segments[i].bufsz + chunk - 1) / chunk;

			count += n ? n : 1;
		}
		if (count <= PLAN_MAX_DIGESTS)
			return chunk;
	}
	return 0;
}

int plan_hash_segments(struct plan *plan, unsigned int threads, struct error *err)
{
	struct sha256_job jobs[PLAN_MAX_DIGESTS];
	uint64_t chunk = plan_digest_chunk(plan);
	size_t i, n = 0;

	if (!chunk)
		return error_set(err, -E2BIG, "segments too large to hash");
	for (i = 0; i < plan->nr_segments; i++) {
		const struct plan_segment *seg = &plan->segments[i];
		uint64_t offset = 0;

		do {
			struct plan_digest *d = &plan->digests[n];
			uint64_t left = seg->bufsz - offset;

			d->segment = i;
			d->offset = offset;
			d->size = left < chunk ? left : chunk;
			jobs[n].data = (const uint8_t *)seg->buf + offset;
			jobs[n].len = (size_t)d->size;
			jobs[n].digest = d->sha256;
			offset += d->size;
			n++;
		} while (offset < seg->bufsz);
	}
	plan->nr_digests = n;
	plan->digest_chunk = chunk;
	sha256_jobs_run(jobs, n, threads);
	return 0;
}

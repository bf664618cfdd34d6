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

static uint64_t round_up(uint64_t value, uint64_t align)
{
	return (value + align - 1) & ~(align - 1);
}

int plan_add_segment(struct plan *plan, const char *name, const char *source,
		     const void *buf, size_t bufsz, uint64_t mem, uint64_t memsz,
		     void *owned, struct error *err)
{
	struct plan_segment *seg;
	uint64_t start = mem & ~(plan->page_size - 1);
	uint64_t end;
	size_t i;

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
	end = round_up(mem + memsz, plan->page_size);
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
	int ret = free_space(plan, usable, &free_ranges);

	size = round_up(size, plan->page_size);
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

/* Sets of physical address ranges: RAM, holes, crash regions.  The planner
 * asks them one question, "where does a block of this size and alignment
 * fit", so everything here is kept sorted and merged. */
#ifndef KEXEC_MEMRANGE_H
#define KEXEC_MEMRANGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mem_range {
	uint64_t start;
	uint64_t end; /* exclusive */
};

struct mem_ranges {
	struct mem_range *r; /* sorted by start, non-overlapping, non-adjacent */
	size_t n;
	size_t cap;
};

void mem_ranges_init(struct mem_ranges *set);
void mem_ranges_free(struct mem_ranges *set);
/* Adds [start, end); merges with overlapping or touching ranges.
 * Returns 0, -EINVAL for start >= end, or -ENOMEM. */
int mem_ranges_add(struct mem_ranges *set, uint64_t start, uint64_t end);
/* Removes [start, end) from every range it touches (may split one). */
int mem_ranges_subtract(struct mem_ranges *set, uint64_t start, uint64_t end);
/* Removes every range of `holes`. */
int mem_ranges_subtract_all(struct mem_ranges *set, const struct mem_ranges *holes);
int mem_ranges_copy(struct mem_ranges *dst, const struct mem_ranges *src);
/* True when [start, end) lies entirely inside one range of the set. */
bool mem_ranges_contains(const struct mem_ranges *set, uint64_t start, uint64_t end);
/* Lowest address A with A % align == 0 (align a power of two), A >= min,
 * A + size <= max + 1 (max is inclusive, so UINT64_MAX means no limit) and
 * [A, A + size) inside one range.  Returns 0 and sets *addr, or -ENOSPC. */
int mem_ranges_find_lowest(const struct mem_ranges *set, uint64_t size,
			   uint64_t align, uint64_t min, uint64_t max,
			   uint64_t *addr);
/* The same, highest such address. */
int mem_ranges_find_highest(const struct mem_ranges *set, uint64_t size,
			    uint64_t align, uint64_t min, uint64_t max,
			    uint64_t *addr);
uint64_t mem_ranges_total(const struct mem_ranges *set);

#endif

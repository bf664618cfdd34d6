/* Sets of physical address ranges: RAM, holes, crash regions.  The planner
 * asks them one question, "where does a block of this size and alignment
 * fit", so the ranges are sorted and merged whenever it asks.
 *
 * Building a set is O(n log n) whatever the order of the ranges (a DTB or
 * /proc/iomem may list hundreds of thousands): a range that lands far from
 * the end of a large set is appended unsorted, and the set is sorted and
 * merged once, by the next call here that looks at it.  Code that reads r
 * and n itself calls mem_ranges_normalize() first, as every producer of a
 * set (iomem_parse, dtb_memory) should before it returns. */
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
	struct mem_range *r; /* once normalized: sorted by start,
			      * non-overlapping, non-adjacent */
	size_t n;
	size_t cap;
	size_t sorted;       /* r[0, sorted) is normalized; sorted >= n: all */
};

void mem_ranges_init(struct mem_ranges *set);
void mem_ranges_free(struct mem_ranges *set);
/* Adds [start, end); merges with overlapping or touching ranges (at once,
 * or when the set is next normalized).  Returns 0, -EINVAL for
 * start >= end, or -ENOMEM. */
int mem_ranges_add(struct mem_ranges *set, uint64_t start, uint64_t end);
/* Sorts and merges what mem_ranges_add left pending, in O(n log n);
 * never fails.  Every other function here does it first: a query on a
 * const set normalizes it too (the set it describes does not change). */
void mem_ranges_normalize(struct mem_ranges *set);
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
/* The size of the largest range (0 for an empty set). */
uint64_t mem_ranges_largest(const struct mem_ranges *set);

#endif

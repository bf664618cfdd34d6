/* Sorted, merged range sets.  Ends are exclusive, so the last byte of the
 * 64-bit space (UINT64_MAX itself) cannot be inside any range: callers that
 * read a region ending at 2^64 cap its end at UINT64_MAX and lose that one
 * byte, which never matters for page-aligned placement. */
#include "memrange.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* An insertion that would move more ranges than this defers instead: the
 * set stays sorted at once for the small sets of real machines, and n
 * insertions cost O(n log n) in the worst case. */
#define EAGER_MOVE_MAX 64

void mem_ranges_init(struct mem_ranges *set)
{
	set->r = NULL;
	set->n = 0;
	set->cap = 0;
	set->sorted = 0;
}

void mem_ranges_free(struct mem_ranges *set)
{
	free(set->r);
	mem_ranges_init(set);
}

static int reserve(struct mem_ranges *set, size_t want)
{
	struct mem_range *r;
	size_t cap;

	if (want <= set->cap)
		return 0;
	cap = set->cap ? set->cap : 8;
	while (cap < want) {
		if (cap > SIZE_MAX / 2 / sizeof(*r))
			return -ENOMEM;
		cap *= 2;
	}
	r = realloc(set->r, cap * sizeof(*r));
	if (!r)
		return -ENOMEM;
	set->r = r;
	set->cap = cap;
	return 0;
}

/* Index of the first range whose end reaches `addr` (touching counts), so
 * that a range starting at addr merges with it. */
static size_t first_reaching(const struct mem_ranges *set, uint64_t addr)
{
	size_t lo = 0, hi = set->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (set->r[mid].end < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int by_start(const void *a, const void *b)
{
	const struct mem_range *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

void mem_ranges_normalize(struct mem_ranges *set)
{
	size_t i, out = 0;

	if (set->sorted >= set->n)
		return;
	qsort(set->r, set->n, sizeof(set->r[0]), by_start);
	for (i = 0; i < set->n; i++) {
		if (out && set->r[i].start <= set->r[out - 1].end) {
			if (set->r[i].end > set->r[out - 1].end)
				set->r[out - 1].end = set->r[i].end;
			continue;
		}
		set->r[out++] = set->r[i];
	}
	set->n = out;
	set->sorted = out;
}

/* Queries take const sets, as they do not change what the set holds; the
 * order of its array is not part of that. */
static const struct mem_ranges *normalized(const struct mem_ranges *set)
{
	mem_ranges_normalize((struct mem_ranges *)set);
	return set;
}

int mem_ranges_add(struct mem_ranges *set, uint64_t start, uint64_t end)
{
	size_t i, j;
	int ret;

	if (start >= end)
		return -EINVAL;
	if (set->sorted < set->n) {
		/* Already deferred: append, sort later. */
		ret = reserve(set, set->n + 1);
		if (ret)
			return ret;
		set->r[set->n++] = (struct mem_range){ start, end };
		return 0;
	}
	i = first_reaching(set, start);
	if (set->n - i > EAGER_MOVE_MAX) {
		ret = reserve(set, set->n + 1);
		if (ret)
			return ret;
		set->sorted = set->n;
		set->r[set->n++] = (struct mem_range){ start, end };
		return 0;
	}
	for (j = i; j < set->n && set->r[j].start <= end; j++)
		;
	if (i == j) {
		ret = reserve(set, set->n + 1);
		if (ret)
			return ret;
		memmove(&set->r[i + 1], &set->r[i], (set->n - i) * sizeof(set->r[0]));
		set->r[i].start = start;
		set->r[i].end = end;
		set->n++;
		set->sorted = set->n;
		return 0;
	}
	/* [i, j) all overlap or touch the new range: fold them into r[i]. */
	if (set->r[i].start < start)
		start = set->r[i].start;
	if (set->r[j - 1].end > end)
		end = set->r[j - 1].end;
	set->r[i].start = start;
	set->r[i].end = end;
	memmove(&set->r[i + 1], &set->r[j], (set->n - j) * sizeof(set->r[0]));
	set->n -= j - i - 1;
	set->sorted = set->n;
	return 0;
}

/* An empty [start, start) removes nothing and is accepted, since segment
 * lists may hold zero-sized entries; a reversed range is a caller bug. */
int mem_ranges_subtract(struct mem_ranges *set, uint64_t start, uint64_t end)
{
	size_t i;
	int ret;

	if (start > end)
		return -EINVAL;
	if (start == end)
		return 0;
	mem_ranges_normalize(set);
	/* Splitting needs one more slot; take it before changing anything so
	 * a failure leaves the set as it was. */
	ret = reserve(set, set->n + 1);
	if (ret)
		return ret;
	i = first_reaching(set, start + 1);
	while (i < set->n && set->r[i].start < end) {
		struct mem_range *r = &set->r[i];

		if (r->start < start && r->end > end) {
			memmove(r + 1, r, (set->n - i) * sizeof(*r));
			set->n++;
			set->sorted = set->n;
			r[0].end = start;
			r[1].start = end;
			return 0;
		}
		if (r->start < start) {
			r->end = start;
			i++;
		} else if (r->end > end) {
			r->start = end;
			i++;
		} else {
			memmove(r, r + 1, (set->n - i - 1) * sizeof(*r));
			set->n--;
			set->sorted = set->n;
		}
	}
	return 0;
}

int mem_ranges_subtract_all(struct mem_ranges *set, const struct mem_ranges *holes)
{
	size_t i;
	int ret;

	if (set == holes) {
		set->n = 0;
		set->sorted = 0;
		return 0;
	}
	holes = normalized(holes);
	for (i = 0; i < holes->n; i++) {
		ret = mem_ranges_subtract(set, holes->r[i].start, holes->r[i].end);
		if (ret)
			return ret;
	}
	return 0;
}

int mem_ranges_copy(struct mem_ranges *dst, const struct mem_ranges *src)
{
	int ret;

	if (dst == src)
		return 0;
	ret = reserve(dst, src->n);
	if (ret)
		return ret;
	if (src->n)
		memcpy(dst->r, src->r, src->n * sizeof(src->r[0]));
	dst->n = src->n;
	dst->sorted = src->sorted;
	mem_ranges_normalize(dst);
	return 0;
}

/* An empty query range is not "inside" anything: callers ask about real
 * blocks, and answering true for a zero size would hide a size bug. */
bool mem_ranges_contains(const struct mem_ranges *set, uint64_t start, uint64_t end)
{
	size_t i;

	if (start >= end)
		return false;
	set = normalized(set);
	i = first_reaching(set, start + 1);
	return i < set->n && set->r[i].start <= start && end <= set->r[i].end;
}

/* Both searches work with inclusive last bytes (limit) so that max ==
 * UINT64_MAX needs no max + 1. */
static bool search_args_ok(uint64_t size, uint64_t *align)
{
	if (*align == 0)
		*align = 1;
	return size != 0 && (*align & (*align - 1)) == 0;
}

static bool window(const struct mem_range *r, uint64_t min, uint64_t max,
		   uint64_t *lo, uint64_t *limit)
{
	*lo = r->start > min ? r->start : min;
	*limit = r->end - 1 < max ? r->end - 1 : max;
	return *lo <= *limit;
}

int mem_ranges_find_lowest(const struct mem_ranges *set, uint64_t size,
			   uint64_t align, uint64_t min, uint64_t max,
			   uint64_t *addr)
{
	size_t i;

	if (!search_args_ok(size, &align))
		return -EINVAL;
	set = normalized(set);
	for (i = 0; i < set->n; i++) {
		uint64_t lo, limit, a;

		if (!window(&set->r[i], min, max, &lo, &limit))
			continue;
		if (lo > UINT64_MAX - (align - 1))
			continue;
		a = (lo + align - 1) & ~(align - 1);
		if (a > limit || limit - a < size - 1)
			continue;
		*addr = a;
		return 0;
	}
	return -ENOSPC;
}

int mem_ranges_find_highest(const struct mem_ranges *set, uint64_t size,
			    uint64_t align, uint64_t min, uint64_t max,
			    uint64_t *addr)
{
	size_t i;

	if (!search_args_ok(size, &align))
		return -EINVAL;
	set = normalized(set);
	for (i = set->n; i-- > 0;) {
		uint64_t lo, limit, a;

		if (!window(&set->r[i], min, max, &lo, &limit))
			continue;
		if (limit - lo < size - 1)
			continue;
		a = (limit - (size - 1)) & ~(align - 1);
		if (a < lo)
			continue;
		*addr = a;
		return 0;
	}
	return -ENOSPC;
}

uint64_t mem_ranges_total(const struct mem_ranges *set)
{
	uint64_t total = 0;
	size_t i;

	set = normalized(set);
	for (i = 0; i < set->n; i++)
		total += set->r[i].end - set->r[i].start;
	return total;
}

uint64_t mem_ranges_largest(const struct mem_ranges *set)
{
	uint64_t largest = 0;
	size_t i;

	set = normalized(set);
	for (i = 0; i < set->n; i++)
		if (set->r[i].end - set->r[i].start > largest)
			largest = set->r[i].end - set->r[i].start;
	return largest;
}

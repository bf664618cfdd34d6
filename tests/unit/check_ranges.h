/* CHECK_SET: compare a struct mem_ranges with start/end pairs, and show the
 * set when they differ.  Shared by the tests of everything that yields
 * ranges (memrange, iomem, dtb). */
#ifndef TESTS_CHECK_RANGES_H
#define TESTS_CHECK_RANGES_H

#include <inttypes.h>
#include <stdio.h>

#include "check.h"
#include "memrange.h"

static inline int ranges_equal(const struct mem_ranges *set, const uint64_t *want, size_t n)
{
	size_t i;

	if (set->n != n)
		return 0;
	for (i = 0; i < n; i++)
		if (set->r[i].start != want[2 * i] || set->r[i].end != want[2 * i + 1])
			return 0;
	return 1;
}

static inline void ranges_dump(const struct mem_ranges *set)
{
	size_t i;

	for (i = 0; i < set->n; i++)
		printf("#   [0x%" PRIx64 ", 0x%" PRIx64 ")\n", set->r[i].start, set->r[i].end);
}

#define CHECK_SET(name, set, ...)                                              \
	do {                                                                   \
		static const uint64_t want_[] = { __VA_ARGS__ };               \
		int ok_ = ranges_equal((set), want_,                           \
				       sizeof(want_) / sizeof(want_[0]) / 2);  \
		CHECK(name, ok_);                                              \
		if (!ok_)                                                      \
			ranges_dump(set);                                      \
	} while (0)

#endif

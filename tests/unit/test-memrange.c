/* Range sets: merging, subtraction, containment and the two placement
 * searches, including the edges of the 64-bit space. */
#include "check.h"
#include "check_ranges.h"

#include <errno.h>
#include <time.h>

#include "memrange.h"

#define CHECK_EMPTY(name, set) CHECK(name, (set)->n == 0)

static void test_add(void)
{
	struct mem_ranges s;

	mem_ranges_init(&s);
	CHECK_EQ("add: empty range is EINVAL", mem_ranges_add(&s, 5, 5), -EINVAL);
	CHECK_EQ("add: reversed range is EINVAL", mem_ranges_add(&s, 6, 5), -EINVAL);
	CHECK_EMPTY("add: nothing added on error", &s);

	CHECK_EQ("add: first", mem_ranges_add(&s, 0x1000, 0x2000), 0);
	CHECK_EQ("add: disjoint above", mem_ranges_add(&s, 0x5000, 0x6000), 0);
	CHECK_EQ("add: disjoint below", mem_ranges_add(&s, 0x100, 0x200), 0);
	CHECK_SET("add: kept sorted", &s, 0x100, 0x200, 0x1000, 0x2000, 0x5000, 0x6000);

	mem_ranges_add(&s, 0x2000, 0x3000);
	CHECK_SET("add: touching above merges", &s, 0x100, 0x200, 0x1000, 0x3000,
		  0x5000, 0x6000);
	mem_ranges_add(&s, 0x4000, 0x5000);
	CHECK_SET("add: touching below merges", &s, 0x100, 0x200, 0x1000, 0x3000,
		  0x4000, 0x6000);
	mem_ranges_add(&s, 0x1800, 0x1900);
	CHECK_SET("add: inside an existing range", &s, 0x100, 0x200, 0x1000, 0x3000,
		  0x4000, 0x6000);
	mem_ranges_add(&s, 0x180, 0x4800);
	CHECK_SET("add: bridging three ranges", &s, 0x100, 0x6000);
	mem_ranges_add(&s, 0, 0x10000);
	CHECK_SET("add: covering everything", &s, 0, 0x10000);
	mem_ranges_add(&s, UINT64_MAX - 0x1000, UINT64_MAX);
	CHECK_SET("add: up to UINT64_MAX", &s, 0, 0x10000, UINT64_MAX - 0x1000, UINT64_MAX);
	CHECK_EQ("total", mem_ranges_total(&s), 0x11000);
	mem_ranges_free(&s);
	CHECK("free leaves an empty set", s.n == 0 && s.r == NULL);

	/* Many single pages, added in descending order, then merged. */
	{
		uint64_t a;
		int ok = 1;

		for (a = 200; a-- > 0;)
			ok &= mem_ranges_add(&s, a * 0x2000, a * 0x2000 + 0x1000) == 0;
		/* Past a few dozen ranges an insertion near the front defers:
		 * the fields are read here, so sort first. */
		mem_ranges_normalize(&s);
		CHECK("add: 200 disjoint ranges", ok && s.n == 200 &&
		      s.r[0].start == 0 && s.r[199].start == 199 * 0x2000);
		for (a = 0; a < 200; a++)
			mem_ranges_add(&s, a * 0x2000 + 0x1000, a * 0x2000 + 0x2000);
		mem_ranges_normalize(&s);
		CHECK_SET("add: filling the gaps merges all", &s, 0, 400 * 0x1000);
	}
	mem_ranges_free(&s);
}

static void test_subtract(void)
{
	struct mem_ranges s, holes, c;

	mem_ranges_init(&s);
	mem_ranges_init(&holes);
	mem_ranges_init(&c);

	CHECK_EQ("subtract from empty set", mem_ranges_subtract(&s, 0, 100), 0);
	CHECK_EMPTY("subtract from empty set stays empty", &s);

	mem_ranges_add(&s, 0x1000, 0x9000);
	CHECK_EQ("subtract: empty range is a no-op", mem_ranges_subtract(&s, 0x2000, 0x2000), 0);
	CHECK_EQ("subtract: reversed range is EINVAL", mem_ranges_subtract(&s, 3, 2), -EINVAL);
	CHECK_SET("subtract: unchanged so far", &s, 0x1000, 0x9000);

	mem_ranges_subtract(&s, 0x4000, 0x5000);
	CHECK_SET("subtract: split in two", &s, 0x1000, 0x4000, 0x5000, 0x9000);
	mem_ranges_subtract(&s, 0x0, 0x1000);
	CHECK_SET("subtract: touching below changes nothing", &s, 0x1000, 0x4000, 0x5000, 0x9000);
	mem_ranges_subtract(&s, 0x9000, 0xa000);
	CHECK_SET("subtract: touching above changes nothing", &s, 0x1000, 0x4000, 0x5000, 0x9000);
	mem_ranges_subtract(&s, 0x800, 0x1800);
	CHECK_SET("subtract: head", &s, 0x1800, 0x4000, 0x5000, 0x9000);
	mem_ranges_subtract(&s, 0x8800, 0x10000);
	CHECK_SET("subtract: tail", &s, 0x1800, 0x4000, 0x5000, 0x8800);
	mem_ranges_subtract(&s, 0x3000, 0x6000);
	CHECK_SET("subtract: across a gap", &s, 0x1800, 0x3000, 0x6000, 0x8800);
	mem_ranges_subtract(&s, 0x6000, 0x8800);
	CHECK_SET("subtract: exactly one range", &s, 0x1800, 0x3000);
	mem_ranges_subtract(&s, 0, UINT64_MAX);
	CHECK_EMPTY("subtract: everything", &s);

	mem_ranges_add(&s, 0, 0x10000);
	mem_ranges_add(&s, 0x20000, 0x30000);
	mem_ranges_add(&holes, 0x1000, 0x2000);
	mem_ranges_add(&holes, 0x8000, 0x21000);
	mem_ranges_add(&holes, 0x2f000, 0x40000);
	CHECK_EQ("subtract_all", mem_ranges_subtract_all(&s, &holes), 0);
	CHECK_SET("subtract_all: result", &s, 0, 0x1000, 0x2000, 0x8000, 0x21000, 0x2f000);
	CHECK_SET("subtract_all: holes untouched", &holes, 0x1000, 0x2000, 0x8000, 0x21000,
		  0x2f000, 0x40000);

	CHECK_EQ("copy", mem_ranges_copy(&c, &s), 0);
	CHECK_SET("copy: same ranges", &c, 0, 0x1000, 0x2000, 0x8000, 0x21000, 0x2f000);
	CHECK("copy: own storage", c.r != s.r);
	mem_ranges_add(&c, 0x50000, 0x60000);
	CHECK_EQ("copy replaces old contents", mem_ranges_copy(&c, &holes), 0);
	CHECK_SET("copy: replaced", &c, 0x1000, 0x2000, 0x8000, 0x21000, 0x2f000, 0x40000);
	CHECK_EQ("subtract_all of itself", mem_ranges_subtract_all(&c, &c), 0);
	CHECK_EMPTY("subtract_all of itself: empty", &c);

	mem_ranges_free(&s);
	mem_ranges_free(&holes);
	mem_ranges_free(&c);
}

static void test_contains(void)
{
	struct mem_ranges s;

	mem_ranges_init(&s);
	CHECK("contains: empty set", !mem_ranges_contains(&s, 0, 1));
	mem_ranges_add(&s, 0x1000, 0x2000);
	mem_ranges_add(&s, 0x3000, 0x4000);
	CHECK("contains: whole range", mem_ranges_contains(&s, 0x1000, 0x2000));
	CHECK("contains: inside", mem_ranges_contains(&s, 0x3100, 0x3200));
	CHECK("contains: last byte", mem_ranges_contains(&s, 0x3fff, 0x4000));
	CHECK("contains: not past the end", !mem_ranges_contains(&s, 0x3fff, 0x4001));
	CHECK("contains: not before the start", !mem_ranges_contains(&s, 0xfff, 0x1001));
	CHECK("contains: not across a gap", !mem_ranges_contains(&s, 0x1800, 0x3800));
	CHECK("contains: not in a gap", !mem_ranges_contains(&s, 0x2000, 0x3000));
	CHECK("contains: empty query is false", !mem_ranges_contains(&s, 0x1800, 0x1800));
	mem_ranges_free(&s);
}

static void test_find(void)
{
	struct mem_ranges s;
	uint64_t a = 0;

	mem_ranges_init(&s);
	CHECK_EQ("find_lowest: empty set", mem_ranges_find_lowest(&s, 1, 1, 0, UINT64_MAX, &a),
		 -ENOSPC);
	CHECK_EQ("find_highest: empty set",
		 mem_ranges_find_highest(&s, 1, 1, 0, UINT64_MAX, &a), -ENOSPC);

	mem_ranges_add(&s, 0x1100, 0x3000);
	mem_ranges_add(&s, 0x10000, 0x20000);
	mem_ranges_add(&s, 0x40000, 0x40800);

	CHECK_EQ("find_lowest: size 0 is EINVAL",
		 mem_ranges_find_lowest(&s, 0, 1, 0, UINT64_MAX, &a), -EINVAL);
	CHECK_EQ("find_lowest: align not a power of two is EINVAL",
		 mem_ranges_find_lowest(&s, 1, 0x3000, 0, UINT64_MAX, &a), -EINVAL);
	CHECK_EQ("find_highest: size 0 is EINVAL",
		 mem_ranges_find_highest(&s, 0, 1, 0, UINT64_MAX, &a), -EINVAL);

	CHECK_EQ("find_lowest: unaligned fits", mem_ranges_find_lowest(&s, 0x100, 1, 0, UINT64_MAX, &a), 0);
	CHECK_EQ("find_lowest: unaligned address", a, 0x1100);
	CHECK_EQ("find_lowest: align 0 means 1", mem_ranges_find_lowest(&s, 0x100, 0, 0, UINT64_MAX, &a), 0);
	CHECK_EQ("find_lowest: align 0 address", a, 0x1100);
	mem_ranges_find_lowest(&s, 0x1000, 0x1000, 0, UINT64_MAX, &a);
	CHECK_EQ("find_lowest: aligned up inside the first range", a, 0x2000);
	mem_ranges_find_lowest(&s, 0x1001, 0x1000, 0, UINT64_MAX, &a);
	CHECK_EQ("find_lowest: too big for the first, next range", a, 0x10000);
	mem_ranges_find_lowest(&s, 0x100, 0x1000, 0x10001, UINT64_MAX, &a);
	CHECK_EQ("find_lowest: min rounds up", a, 0x11000);
	CHECK_EQ("find_lowest: max is inclusive, exact fit",
		 mem_ranges_find_lowest(&s, 0x1000, 0x1000, 0x1f000, 0x1ffff, &a), 0);
	CHECK_EQ("find_lowest: exact fit address", a, 0x1f000);
	CHECK_EQ("find_lowest: max one byte short",
		 mem_ranges_find_lowest(&s, 0x1000, 0x1000, 0x1f000, 0x1fffe, &a), -ENOSPC);
	CHECK_EQ("find_lowest: too big anywhere",
		 mem_ranges_find_lowest(&s, 0x10001, 1, 0, UINT64_MAX, &a), -ENOSPC);
	CHECK_EQ("find_lowest: whole range, exact",
		 mem_ranges_find_lowest(&s, 0x10000, 0x10000, 0, UINT64_MAX, &a), 0);
	CHECK_EQ("find_lowest: whole range address", a, 0x10000);
	CHECK_EQ("find_lowest: min above everything",
		 mem_ranges_find_lowest(&s, 1, 1, 0x40800, UINT64_MAX, &a), -ENOSPC);
	CHECK_EQ("find_lowest: max below everything",
		 mem_ranges_find_lowest(&s, 1, 1, 0, 0x10ff, &a), -ENOSPC);
	CHECK_EQ("find_lowest: min > max", mem_ranges_find_lowest(&s, 1, 1, 0x12000, 0x11000, &a),
		 -ENOSPC);
	CHECK_EQ("find_lowest: huge alignment",
		 mem_ranges_find_lowest(&s, 1, 1ull << 63, 1, UINT64_MAX, &a), -ENOSPC);

	mem_ranges_find_highest(&s, 0x100, 1, 0, UINT64_MAX, &a);
	CHECK_EQ("find_highest: top of the last range", a, 0x40700);
	mem_ranges_find_highest(&s, 0x1000, 0x1000, 0, UINT64_MAX, &a);
	CHECK_EQ("find_highest: last range too small", a, 0x1f000);
	mem_ranges_find_highest(&s, 0x1000, 0x1000, 0, 0x1ffff, &a);
	CHECK_EQ("find_highest: inclusive max at a range end", a, 0x1f000);
	mem_ranges_find_highest(&s, 0x1000, 0x1000, 0, 0x1fffe, &a);
	CHECK_EQ("find_highest: max one below, next aligned slot", a, 0x1e000);
	mem_ranges_find_highest(&s, 0x1000, 0x10000, 0, UINT64_MAX, &a);
	CHECK_EQ("find_highest: big alignment", a, 0x10000);
	CHECK_EQ("find_highest: min excludes the only aligned slot",
		 mem_ranges_find_highest(&s, 0x1000, 0x10000, 0x10001, UINT64_MAX, &a), -ENOSPC);
	mem_ranges_find_highest(&s, 0x100, 0x100, 0, 0x2fff, &a);
	CHECK_EQ("find_highest: in the first range", a, 0x2f00);
	CHECK_EQ("find_highest: unaligned range too small when aligned",
		 mem_ranges_find_highest(&s, 0x1001, 0x2000, 0, 0x3000, &a), -ENOSPC);
	mem_ranges_free(&s);

	/* The top of the address space: max == UINT64_MAX must not overflow. */
	mem_ranges_add(&s, UINT64_MAX - 0x3fff, UINT64_MAX);
	CHECK_EQ("top: find_lowest", mem_ranges_find_lowest(&s, 0x1000, 0x1000, 0, UINT64_MAX, &a), 0);
	CHECK_EQ("top: find_lowest address", a, UINT64_MAX - 0x3fff);
	CHECK_EQ("top: find_highest", mem_ranges_find_highest(&s, 0x1000, 0x1000, 0, UINT64_MAX, &a), 0);
	/* The last page ends at 2^64, which an exclusive end cannot hold. */
	CHECK_EQ("top: find_highest address", a, UINT64_MAX - 0x1fff);
	CHECK_EQ("top: find_highest unaligned", mem_ranges_find_highest(&s, 0x10, 1, 0, UINT64_MAX, &a), 0);
	CHECK_EQ("top: find_highest unaligned address", a, UINT64_MAX - 0x10);
	CHECK_EQ("top: lowest with alignment beyond the top",
		 mem_ranges_find_lowest(&s, 1, 1ull << 63, UINT64_MAX - 0x10, UINT64_MAX, &a), -ENOSPC);
	CHECK_EQ("top: size of the whole range", mem_ranges_find_lowest(&s, 0x3fff, 1, 0, UINT64_MAX, &a), 0);
	CHECK_EQ("top: size of the whole range address", a, UINT64_MAX - 0x3fff);
	CHECK_EQ("top: one more does not fit",
		 mem_ranges_find_lowest(&s, 0x4000, 1, 0, UINT64_MAX, &a), -ENOSPC);
	CHECK_EQ("top: huge size", mem_ranges_find_highest(&s, UINT64_MAX, 1, 0, UINT64_MAX, &a),
		 -ENOSPC);
	mem_ranges_free(&s);

	mem_ranges_add(&s, 0, UINT64_MAX);
	CHECK_EQ("all: find_highest with 4 GiB limit",
		 mem_ranges_find_highest(&s, 0x200000, 0x200000, 0, 0xffffffff, &a), 0);
	CHECK_EQ("all: below 4 GiB", a, 0xffe00000);
	CHECK_EQ("all: find_lowest at zero", mem_ranges_find_lowest(&s, 1, 1, 0, UINT64_MAX, &a), 0);
	CHECK_EQ("all: address zero", a, 0);
	CHECK_EQ("all: find_highest of UINT64_MAX bytes",
		 mem_ranges_find_highest(&s, UINT64_MAX, 1, 0, UINT64_MAX, &a), 0);
	CHECK_EQ("all: that is address zero", a, 0);
	CHECK_EQ("all: total", mem_ranges_total(&s), UINT64_MAX);
	mem_ranges_free(&s);
}

/* A DTB can list 250,000 reg ranges in any order: building the set must
 * not move the whole array per range (that took 10-20 s).  Timed loosely,
 * so that a quadratic build (minutes under the sanitizers) fails here. */
static void test_many_ranges(void)
{
	const uint64_t n = 250000;
	struct mem_ranges s;
	clock_t t0 = clock();
	uint64_t a, x = 1;
	int ok = 1;
	size_t i;

	mem_ranges_init(&s);
	for (a = n; a-- > 0;)
		ok &= mem_ranges_add(&s, a * 0x2000, a * 0x2000 + 0x1000) == 0;
	CHECK("many: 250k descending adds succeed", ok);
	CHECK_EQ("many: total counts each page once", mem_ranges_total(&s), n * 0x1000);
	CHECK_EQ("many: 250k disjoint ranges", s.n, n);
	for (i = 0; i < s.n && ok; i++)
		ok = s.r[i].start == i * 0x2000 && s.r[i].end == i * 0x2000 + 0x1000;
	CHECK("many: sorted once queried", ok);
	CHECK("many: contains the lowest and the highest",
	      mem_ranges_contains(&s, 0, 0x1000) &&
	      mem_ranges_contains(&s, (n - 1) * 0x2000, (n - 1) * 0x2000 + 0x1000));
	/* The gaps in a scrambled order (a full-period LCG over 2^18): each
	 * addition lands in the middle; everything merges into one range. */
	for (a = 0; a < (1u << 18); a++) {
		x = (x * 5 + 3) & ((1u << 18) - 1);
		if (x < n - 1)
			mem_ranges_add(&s, x * 0x2000 + 0x1000, x * 0x2000 + 0x2000);
	}
	CHECK_EQ("many: largest range once the gaps are filled", mem_ranges_largest(&s),
		 (n * 2 - 1) * 0x1000);
	mem_ranges_normalize(&s);
	CHECK_SET("many: gaps filled in scrambled order merge into one", &s, 0,
		  (n * 2 - 1) * 0x1000);
	CHECK("many: well under 5 s of CPU", clock() - t0 < 5 * CLOCKS_PER_SEC);
	mem_ranges_free(&s);
}

int main(void)
{
	test_add();
	test_many_ranges();
	test_subtract();
	test_contains();
	test_find();
	return check_status();
}

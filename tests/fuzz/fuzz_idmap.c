/* The purgatory's identity map, walked as the MMU walks it.  Input: the
 * table base (8 bytes), a byte choosing the table pages given (the bound,
 * or fewer), then regions of 11 bytes: start (8, page aligned here), pages
 * (2, at most 16 Ki: the walk below visits every one) and attributes (1:
 * bit 0 Device).  On success every page of every region translates to
 * itself with its attributes, the pages next to a region translate only if
 * another region holds them, every table descriptor points inside the
 * tables used, and no more pages were used than given.  Regions past 2^48
 * must be refused (-ERANGE), as must tables there. */
#include <errno.h>

#include "byteorder.h"
#include "fuzz_util.h"
#include "idmap.h"

#define MAX_REGIONS 18
#define MAX_REGION_PAGES (16u << 10)

struct walker {
	const uint8_t *tables;
	size_t used;
	uint64_t base;
};

/* 1 and the output address and AttrIndx when addr translates, 0 on a
 * translation fault.  Every table descriptor met must point inside. */
static int walk(const struct walker *w, uint64_t addr, uint64_t *out, unsigned *attr)
{
	uint64_t table = w->base;
	int level;

	for (level = 0; level <= 3; level++) {
		unsigned index = (unsigned)(addr >> (39 - 9 * level)) & 511;
		uint64_t desc;

		FUZZ_ASSERT(table >= w->base && (table - w->base) / IDMAP_PAGE < w->used &&
			    table % IDMAP_PAGE == 0, "level %d table at 0x%llx outside the tables",
			    level, (unsigned long long)table);
		desc = get_le64(w->tables + (table - w->base) + index * 8);
		if (!(desc & 1))
			return 0;
		if (level == 3 || !(desc & 2)) {
			uint64_t size = 1ull << (39 - 9 * level);

			FUZZ_ASSERT(level >= 2, "a level-%d block", level);
			FUZZ_ASSERT(desc & (1ull << 10), "a leaf without the access flag");
			*out = (desc & 0x0000fffffffff000ull & ~(size - 1)) | (addr & (size - 1));
			*attr = (unsigned)(desc >> 2) & 7;
			return 1;
		}
		table = desc & 0x0000fffffffff000ull;
	}
	return 0;
}

static const struct idmap_region *holder(const struct idmap_region *r, size_t n, uint64_t addr)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (addr >= r[i].start && addr < r[i].end)
			return &r[i];
	return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct idmap_region r[MAX_REGIONS];
	struct error err = { { 0 } };
	struct walker w;
	size_t n = 0, bound, avail, used = 0, i;
	bool past = false;
	uint8_t *tables;
	int ret;

	if (size < 9)
		return 0;
	w.base = get_le64(data) & ~(uint64_t)(IDMAP_PAGE - 1);
	for (i = 9; i + 11 <= size && n < MAX_REGIONS; i += 11) {
		uint64_t start = get_le64(data + i) & ~(uint64_t)(IDMAP_PAGE - 1);
		uint64_t pages = ((data[i + 8] | (unsigned)data[i + 9] << 8) % MAX_REGION_PAGES) + 1;

		if (start > UINT64_MAX - pages * IDMAP_PAGE - IDMAP_PAGE)
			continue;
		r[n] = (struct idmap_region){ start, start + pages * IDMAP_PAGE, data[i + 10] & 1 };
		past |= r[n].end > IDMAP_MAX_ADDR;
		n++;
	}
	bound = arm64_idmap_pages_bound(r, n);
	avail = data[8] & 1 ? bound / 2 + 1 : bound;
	tables = malloc(avail * IDMAP_PAGE);
	if (!tables)
		abort();
	ret = arm64_idmap_build(r, n, w.base, tables, avail, &used, &err);
	if (ret) {
		FUZZ_ASSERT(ret < 0, "arm64_idmap_build returned %d", ret);
		FUZZ_ASSERT_MESSAGE(&err);
		FUZZ_ASSERT(ret != -E2BIG || avail < bound, "the bound %zu pages was too small", bound);
		goto out;
	}
	FUZZ_ASSERT(!past, "a region past 2^48 was mapped");
	FUZZ_ASSERT(w.base < IDMAP_MAX_ADDR && avail <= (IDMAP_MAX_ADDR - w.base) / IDMAP_PAGE,
		    "tables at 0x%llx past 2^48 accepted", (unsigned long long)w.base);
	FUZZ_ASSERT(used >= 1 && used <= avail, "used %zu of %zu pages", used, avail);
	w.tables = tables;
	w.used = used;
	for (i = 0; i < n; i++) {
		uint64_t a, out_addr;
		unsigned attr;
		const struct idmap_region *h;

		for (a = r[i].start; a < r[i].end; a += IDMAP_PAGE) {
			h = holder(r, n, a);
			FUZZ_ASSERT(walk(&w, a, &out_addr, &attr) == 1 && out_addr == a &&
				    attr == (h->device ? IDMAP_ATTR_DEVICE : IDMAP_ATTR_NORMAL),
				    "page 0x%llx of region %zu does not map to itself",
				    (unsigned long long)a, i);
		}
		/* Nothing next to a region unless a region holds it. */
		if (r[i].start >= IDMAP_PAGE && !holder(r, n, r[i].start - IDMAP_PAGE))
			FUZZ_ASSERT(walk(&w, r[i].start - IDMAP_PAGE, &out_addr, &attr) == 0,
				    "page below region %zu mapped", i);
		if (r[i].end < IDMAP_MAX_ADDR && !holder(r, n, r[i].end))
			FUZZ_ASSERT(walk(&w, r[i].end, &out_addr, &attr) == 0,
				    "page above region %zu mapped", i);
	}
out:
	free(tables);
	return 0;
}

/* The purgatory's identity map, walked the way the MMU walks it: every
 * page of every region translates to itself with the right attributes,
 * and nothing else translates at all. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "byteorder.h"
#include "check.h"
#include "idmap.h"

#define MiB (1ull << 20)
#define BASE 0x48000000ull

static uint8_t *tables;
static size_t pages;

/* Software table walk: returns 1 and the output address and AttrIndx when
 * addr translates, 0 on a translation fault. */
static int walk(uint64_t addr, uint64_t *out, unsigned *attr)
{
	uint64_t table = BASE;
	int level;

	for (level = 0; level <= 3; level++) {
		size_t page = (size_t)((table - BASE) / IDMAP_PAGE);
		unsigned index = (unsigned)(addr >> (39 - 9 * level)) & 511;
		uint64_t desc;

		if (page >= pages)
			return -1;
		desc = get_le64(tables + page * IDMAP_PAGE + index * 8);
		if (!(desc & 1))
			return 0;
		if (!(desc & (1ull << 10)) && (level == 3 || !(desc & 2)))
			return -1; /* a leaf without the access flag */
		if (level == 3 || !(desc & 2)) {
			uint64_t size = 1ull << (39 - 9 * level);

			if (level < 2)
				return -1; /* no 1 GiB or 512 GiB blocks are made */
			*out = (desc & 0x0000fffffffff000ull & ~(size - 1)) | (addr & (size - 1));
			*attr = (unsigned)(desc >> 2) & 7;
			return 1;
		}
		table = desc & 0x0000fffffffff000ull;
	}
	return -1;
}

static int maps_as(uint64_t addr, unsigned want_attr)
{
	uint64_t out;
	unsigned attr;

	return walk(addr, &out, &attr) == 1 && out == addr && attr == want_attr;
}

static int unmapped(uint64_t addr)
{
	uint64_t out;
	unsigned attr;

	return walk(addr, &out, &attr) == 0;
}

/* Builds `r` into tables of their own and checks that every address of
 * `mapped` maps to itself as Normal memory and `hole` does not map. */
static int builds_mapping(const struct idmap_region *r, size_t n, const uint64_t *mapped,
			  size_t nr_mapped, uint64_t hole)
{
	uint8_t *saved = tables;
	size_t saved_pages = pages, used, i;
	struct error err;
	int ok;

	pages = arm64_idmap_pages_bound(r, n);
	tables = calloc(pages, IDMAP_PAGE);
	ok = arm64_idmap_build(r, n, BASE, tables, pages, &used, &err) == 0 && unmapped(hole);
	for (i = 0; ok && i < nr_mapped; i++)
		ok = maps_as(mapped[i], IDMAP_ATTR_NORMAL);
	free(tables);
	tables = saved;
	pages = saved_pages;
	return ok;
}

int main(void)
{
	/* Like a real plan: a 27 MiB kernel at a 2 MiB boundary, an initrd
	 * and a DTB right after it (not 2 MiB aligned), the purgatory at the
	 * start of RAM, a UART, and a range above 4 GiB. */
	struct idmap_region regions[] = {
		{ 0x41a00000, 0x434a0000, false },
		{ 0x434a0000, 0x4359e000, false },
		{ 0x4359e000, 0x435a0000, false },
		{ 0x40000000, 0x40010000, false },
		{ 0x09000000, 0x09001000, true },
		{ 0x8ff000000ull, 0x900200000ull, false },
	};
	size_t n = sizeof(regions) / sizeof(regions[0]), used = 0, i;
	struct error err;
	int all_ok = 1;

	pages = arm64_idmap_pages_bound(regions, n);
	tables = calloc(pages, IDMAP_PAGE);
	CHECK_EQ("builds within its own bound", arm64_idmap_build(regions, n, BASE, tables, pages, &used, &err), 0);
	CHECK("uses at most the bound", used <= pages && used > 0);
	for (i = 0; i < n; i++) {
		uint64_t a;

		for (a = regions[i].start; a < regions[i].end; a += IDMAP_PAGE)
			if (!maps_as(a, regions[i].device ? IDMAP_ATTR_DEVICE : IDMAP_ATTR_NORMAL))
				all_ok = 0;
	}
	CHECK("every page of every region maps to itself with its attributes", all_ok);
	CHECK("kernel start maps as Normal", maps_as(0x41a00000, IDMAP_ATTR_NORMAL));
	CHECK("UART maps as Device", maps_as(0x09000000, IDMAP_ATTR_DEVICE));
	CHECK("page after the UART unmapped", unmapped(0x09001000));
	CHECK("memory below the purgatory unmapped", unmapped(0x3ffff000));
	CHECK("page after the purgatory unmapped", unmapped(0x40010000));
	CHECK("gap between purgatory and kernel unmapped", unmapped(0x41000000));
	CHECK("page after the DTB unmapped (same 2 MiB as mapped pages)", unmapped(0x435a0000));
	CHECK("page before the high range unmapped", unmapped(0x8feffe000ull));
	CHECK("high range end maps", maps_as(0x9001ff000ull, IDMAP_ATTR_NORMAL));
	CHECK("page after the high range unmapped", unmapped(0x900200000ull));
	CHECK("address 0 unmapped", unmapped(0));

	{
		struct idmap_region clash[] = {
			{ 0x40000000, 0x40002000, false },
			{ 0x40001000, 0x40002000, true },
		};
		size_t p = arm64_idmap_pages_bound(clash, 2);
		uint8_t *t = calloc(p, IDMAP_PAGE);

		CHECK_EQ("a page mapped Normal and Device is refused",
			 arm64_idmap_build(clash, 2, BASE, t, p, &used, &err), -EINVAL);
		free(t);
	}
	{
		struct idmap_region high[] = { { 1ull << 48, (1ull << 48) + 4096, false } };
		uint8_t t[IDMAP_PAGE * 8];

		struct idmap_region low[] = { { 0x40000000, 0x40001000, false } };

		CHECK_EQ("an address past 48 bits is refused",
			 arm64_idmap_build(high, 1, BASE, t, 8, &used, &err), -ERANGE);
		CHECK_CONTAINS("... saying why", err.msg, "past 2^48, beyond a 48-bit identity map");
		CHECK("a region past 48 bits counts only its part below in the bound",
		      arm64_idmap_pages_bound(high, 1) == arm64_idmap_pages_bound(low, 1));
		/* RAM only above 2^48 put the tables there: their descriptors
		 * lost the high bits and the builder followed them far outside
		 * its buffer. */
		CHECK_EQ("tables at 2^48 are refused",
			 arm64_idmap_build(low, 1, 1ull << 48, t, 8, &used, &err), -EINVAL);
		CHECK_CONTAINS("... saying why", err.msg, "reach past 2^48");
		CHECK_EQ("tables straddling 2^48 are refused",
			 arm64_idmap_build(low, 1, (1ull << 48) - IDMAP_PAGE, t, 2, &used, &err), -EINVAL);
		CHECK_EQ("tables ending at 2^48 build",
			 arm64_idmap_build(low, 1, (1ull << 48) - 8 * IDMAP_PAGE, t, 8, &used, &err), 0);
	}
	{
		uint8_t t[IDMAP_PAGE * 2];

		CHECK_EQ("too few table pages is -E2BIG",
			 arm64_idmap_build(regions, n, BASE, t, 2, &used, &err), -E2BIG);
	}
	{
		/* Two regions sharing a 2 MiB chunk: one ends mid-chunk with
		 * pages, the next covers the rest and the following chunks. */
		static const struct idmap_region share[] = {
			{ 0x40000000, 0x40001000, false },
			{ 0x40001000, 0x40600000, false },
		};
		static const uint64_t share_mapped[] = { 0x40000000, 0x40001000, 0x401ff000, 0x40400000 };
		/* A region over a whole 2 MiB chunk where another already has
		 * a page: only the chunk's first page used to be mapped. */
		static const struct idmap_region over[] = {
			{ 0x40000000, 0x40001000, false },
			{ 0x40000000, 0x40400000, false },
		};
		static const uint64_t over_mapped[] = { 0x40001000, 0x401ff000, 0x40200000 };

		CHECK("shared chunk: both ranges map, the next chunk does not",
		      builds_mapping(share, 2, share_mapped, 4, 0x40600000));
		CHECK("a region over another's page maps every page of the chunk",
		      builds_mapping(over, 2, over_mapped, 3, 0x40400000));
	}
	free(tables);
	return check_status();
}

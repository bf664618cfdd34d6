#include "idmap.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "byteorder.h"

#define ENTRIES 512
#define DESC_VALID (1ull << 0)
#define DESC_TABLE (1ull << 1)     /* with VALID: table (levels 0-2) or page (level 3) */
#define DESC_ATTRIDX(i) ((uint64_t)(i) << 2)
#define DESC_SH_INNER (3ull << 8)
#define DESC_AF (1ull << 10)       /* set, or the first access faults */
#define DESC_ADDR_MASK 0x0000fffffffff000ull
#define BLOCK_2M (2ull << 20)

struct builder {
	uint8_t *tables;
	size_t used, avail;
	uint64_t base;
};

static uint64_t get_entry(const struct builder *b, size_t page, unsigned index)
{
	return get_le64(b->tables + page * IDMAP_PAGE + index * 8);
}

static void set_entry(struct builder *b, size_t page, unsigned index, uint64_t desc)
{
	put_le64(b->tables + page * IDMAP_PAGE + index * 8, desc);
}

static unsigned index_at(uint64_t addr, int level)
{
	return (unsigned)(addr >> (39 - 9 * level)) & (ENTRIES - 1);
}

static uint64_t leaf_attrs(bool device)
{
	/* Device memory ignores shareability; Normal memory is Inner
	 * Shareable so the hash's cached reads stay coherent with the rest
	 * of the system.  AP = 00 (read/write at our level only, never EL0,
	 * which would make the code privileged-execute-never at EL1); the
	 * purgatory sets AP[1] itself where EL2 wants it set. */
	return DESC_AF | (device ? DESC_ATTRIDX(IDMAP_ATTR_DEVICE)
				 : DESC_ATTRIDX(IDMAP_ATTR_NORMAL) | DESC_SH_INNER);
}

/* The table page that entry `index` of `page` points to, made if absent.
 * Returns (size_t)-1 when out of pages or when a block already maps it.
 * A table descriptor is followed only to a page this builder made: the
 * index comes from bits of the descriptor, and the table area lies below
 * 2^48 (arm64_idmap_build checks), so they hold its whole address. */
static size_t next_table(struct builder *b, size_t page, unsigned index, int *err)
{
	uint64_t desc = get_entry(b, page, index);

	if (desc & DESC_VALID) {
		uint64_t at = desc & DESC_ADDR_MASK;

		if (!(desc & DESC_TABLE)) {
			*err = -EINVAL;
			return (size_t)-1;
		}
		if (at < b->base || (at - b->base) / IDMAP_PAGE >= b->used) {
			*err = -EFAULT;
			return (size_t)-1;
		}
		return (size_t)((at - b->base) / IDMAP_PAGE);
	}
	if (b->used == b->avail) {
		*err = -E2BIG;
		return (size_t)-1;
	}
	set_entry(b, page, index, (b->base + b->used * IDMAP_PAGE) | DESC_VALID | DESC_TABLE);
	return b->used++;
}

/* Maps one 2 MiB block (level 2) or one page (level 3) at addr. */
static int map_one(struct builder *b, uint64_t addr, int leaf_level, bool device)
{
	uint64_t want = (addr & DESC_ADDR_MASK) | leaf_attrs(device) | DESC_VALID |
			(leaf_level == 3 ? DESC_TABLE : 0);
	size_t page = 0;
	int level, err = 0;
	uint64_t old;

	for (level = 0; level < leaf_level; level++) {
		/* A 2 MiB block already there covers this page: same
		 * attributes are fine, others are a conflict. */
		if (level == 2) {
			old = get_entry(b, page, index_at(addr, 2));
			if ((old & (DESC_VALID | DESC_TABLE)) == DESC_VALID)
				return (old & ~DESC_ADDR_MASK) == (want & ~DESC_ADDR_MASK & ~DESC_TABLE) ? 0 : -EINVAL;
		}
		page = next_table(b, page, index_at(addr, level), &err);
		if (page == (size_t)-1)
			return err;
	}
	old = get_entry(b, page, index_at(addr, leaf_level));
	if (leaf_level == 2 && (old & (DESC_VALID | DESC_TABLE)) == (DESC_VALID | DESC_TABLE))
		return -EEXIST; /* pages of another region already: map ours as pages */
	if (old & DESC_VALID)
		return old == want ? 0 : -EINVAL;
	set_entry(b, page, index_at(addr, leaf_level), want);
	return 0;
}

size_t arm64_idmap_pages_bound(const struct idmap_region *regions, size_t n)
{
	size_t pages = 1, i;

	/* Per region: level-1 and level-2 tables for each 512 GiB and 1 GiB
	 * it spans (plus one each for a start that is not aligned), and two
	 * level-3 tables for its unaligned head and tail. */
	for (i = 0; i < n; i++) {
		uint64_t end = regions[i].end < IDMAP_MAX_ADDR ? regions[i].end : IDMAP_MAX_ADDR;
		uint64_t span = end > regions[i].start ? end - regions[i].start : 0;

		/* A region past 2^48 makes arm64_idmap_build fail: only the
		 * part below counts (span < 2^48: no overflow even in a
		 * 32-bit size_t). */
		pages += (size_t)(span >> 39) + 2 + (size_t)(span >> 30) + 2 + 2;
	}
	return pages;
}

int arm64_idmap_build(const struct idmap_region *regions, size_t n, uint64_t base,
		      uint8_t *tables, size_t pages_avail, size_t *pages_used,
		      struct error *err)
{
	struct builder b = { tables, 1, pages_avail, base };
	size_t i;

	if (pages_avail < 1 || base % IDMAP_PAGE)
		return error_set(err, -EINVAL, "idmap: bad table area");
	/* Descriptors hold 48 address bits: tables above could not be
	 * pointed to, and a truncated pointer would be followed elsewhere. */
	if (base >= IDMAP_MAX_ADDR || pages_avail > (IDMAP_MAX_ADDR - base) / IDMAP_PAGE)
		return error_set(err, -EINVAL, "idmap: tables at 0x%" PRIx64 " (%zu pages) reach past 2^48, beyond what a descriptor can point to",
				 base, pages_avail);
	memset(tables, 0, pages_avail * IDMAP_PAGE);
	for (i = 0; i < n; i++) {
		const struct idmap_region *r = &regions[i];
		uint64_t addr = r->start;

		if (r->start % IDMAP_PAGE || r->end % IDMAP_PAGE || r->end <= r->start)
			return error_set(err, -EINVAL, "idmap: region 0x%" PRIx64 "-0x%" PRIx64
					 " is not whole pages", r->start, r->end);
		/* A 48-bit map cannot reach it.  Leaving it out would fault the
		 * purgatory when it hashes there; without a map it hashes with
		 * the MMU off, slower but every address reachable. */
		if (r->end > IDMAP_MAX_ADDR)
			return error_set(err, -ERANGE, "idmap: 0x%" PRIx64 "-0x%" PRIx64
					 " lies past 2^48, beyond a 48-bit identity map",
					 r->start, r->end - 1);
		while (addr < r->end) {
			bool block = addr % BLOCK_2M == 0 && r->end - addr >= BLOCK_2M;
			int ret = map_one(&b, addr, block ? 2 : 3, r->device);
			uint64_t page;

			/* Pages of another region there already: the whole
			 * 2 MiB as pages, every one of them. */
			if (block && ret == -EEXIST)
				for (page = 0, ret = 0; ret == 0 && page < BLOCK_2M; page += IDMAP_PAGE)
					ret = map_one(&b, addr + page, 3, r->device);

			if (ret == -E2BIG)
				return error_set(err, ret, "idmap: more than %zu table pages", pages_avail);
			if (ret == -EFAULT)
				return error_set(err, ret, "idmap: a table descriptor points outside the tables");
			if (ret)
				return error_set(err, ret, "idmap: 0x%" PRIx64 " mapped twice with different attributes",
						 addr);
			addr += block ? BLOCK_2M : IDMAP_PAGE;
		}
	}
	*pages_used = b.used;
	return 0;
}

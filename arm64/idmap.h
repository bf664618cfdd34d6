/* Identity-mapping translation tables for the arm64 purgatory, built by
 * the loader (pure: regions and a base address in, table pages out), so
 * the purgatory only has to point TTBR0 at them.  4 KiB granule, four
 * levels, 48-bit addresses; 2 MiB blocks where a region covers one whole,
 * 4 KiB pages at the edges, and nothing else mapped: no speculative access
 * can reach memory that is not ours or a device that is not the UART. */
#ifndef ARM64_IDMAP_H
#define ARM64_IDMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define IDMAP_PAGE 4096u
#define IDMAP_MAX_ADDR (1ull << 48)

/* MAIR indices the purgatory programs: 0 Normal write-back, 1 Device-nGnRnE */
#define IDMAP_ATTR_NORMAL 0
#define IDMAP_ATTR_DEVICE 1

struct idmap_region {
	uint64_t start;   /* page aligned */
	uint64_t end;     /* exclusive, page aligned */
	bool device;
};

/* An upper bound of the table pages arm64_idmap_build needs. */
size_t arm64_idmap_pages_bound(const struct idmap_region *regions, size_t n);

/* Writes the tables into `tables` (pages_avail zeroed pages, the first the
 * level-0 table) as they will sit at physical address `base`.  Regions may
 * share 2 MiB blocks or pages only with the same attributes.  Returns 0 and
 * the pages used, -E2BIG when they do not fit, -ERANGE for a region past
 * 2^48 (a 48-bit map cannot hold it: the purgatory then hashes with the
 * MMU off), -EINVAL for tables that reach past 2^48, a region unaligned or
 * overlapping one of other attributes. */
int arm64_idmap_build(const struct idmap_region *regions, size_t n, uint64_t base,
		      uint8_t *tables, size_t pages_avail, size_t *pages_used,
		      struct error *err);

#endif

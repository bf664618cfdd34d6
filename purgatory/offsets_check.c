/* Compiled with the purgatory: fails the build if the assembly's view of
 * the parameter block drifts from the C definition. */
#include <stddef.h>

#include "params.h"
#include "purgatory_offsets.h"

_Static_assert(offsetof(struct purgatory_params, entry) == PARAMS_ENTRY,
	       "PARAMS_ENTRY is stale");
_Static_assert(offsetof(struct purgatory_params, regs) == PARAMS_REGS,
	       "PARAMS_REGS is stale");
_Static_assert(offsetof(struct purgatory_params, flags) == PARAMS_FLAGS,
	       "PARAMS_FLAGS is stale");
_Static_assert(PURGATORY_KEEP_R1 == PARAMS_FLAG_KEEP_R1,
	       "PARAMS_FLAG_KEEP_R1 is stale");
_Static_assert(PURGATORY_PORTABLE_HASH == PARAMS_FLAG_PORTABLE_HASH,
	       "PARAMS_FLAG_PORTABLE_HASH is stale");
_Static_assert(offsetof(struct purgatory_params, nr_segments) == PARAMS_NR_SEGMENTS,
	       "PARAMS_NR_SEGMENTS is stale");
_Static_assert(offsetof(struct purgatory_params, idmap_size) == PARAMS_IDMAP_TTBR0 + 8,
	       "mmu_off loads idmap_ttbr0 and idmap_size as a pair");
_Static_assert(offsetof(struct purgatory_params, idmap_ttbr0) == PARAMS_IDMAP_TTBR0,
	       "PARAMS_IDMAP_TTBR0 is stale");
_Static_assert(offsetof(struct purgatory_params, idmap_size) == PARAMS_IDMAP_SIZE,
	       "PARAMS_IDMAP_SIZE is stale");
_Static_assert(offsetof(struct purgatory_params, segments) == PARAMS_SEGMENTS,
	       "PARAMS_SEGMENTS is stale");
_Static_assert(offsetof(struct purgatory_segment, addr) == SEGMENT_ADDR &&
	       offsetof(struct purgatory_segment, size) == SEGMENT_SIZE &&
	       sizeof(struct purgatory_segment) == SEGMENT_STRIDE,
	       "SEGMENT_* is stale");
_Static_assert(offsetof(struct purgatory_header, magic) == 8,
	       "the header's magic follows two instruction words");
_Static_assert(sizeof(struct purgatory_params) % 8 == 0,
	       "the parameter block keeps 8-byte alignment");

/* Compiled with the purgatory: fails the build if the assembly's view of
 * the parameter block drifts from the C definition. */
#include <stddef.h>

#include "params.h"
#include "purgatory_offsets.h"

_Static_assert(offsetof(struct purgatory_params, entry) == PARAMS_ENTRY,
	       "PARAMS_ENTRY is stale");
_Static_assert(offsetof(struct purgatory_params, regs) == PARAMS_REGS,
	       "PARAMS_REGS is stale");
_Static_assert(offsetof(struct purgatory_header, magic) == 8,
	       "the header's magic follows two instruction words");
_Static_assert(sizeof(struct purgatory_params) % 8 == 0,
	       "the parameter block keeps 8-byte alignment");

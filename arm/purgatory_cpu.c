/* The 32-bit ARM purgatory's SHA-256 engine: the portable code for every
 * block, run with the I-cache on (purgatory_entry.S).  The AArch32 SHA-256
 * instructions exist only on ARMv8 CPUs and would need the FP/SIMD unit
 * enabled for the current mode (HYP or SVC) first. */
#include <stddef.h>
#include <stdint.h>

#include "purgatory.h"
#include "sha256.h"

size_t sha256_arch_blocks(uint32_t state[8], const uint8_t *data, size_t nblocks)
{
	(void)state;
	(void)data;
	(void)nblocks;
	return 0;
}

const char *purgatory_hash_engine(void)
{
	return "portable SHA-256, I-cache on";
}
